// Storage faults against the real org_service and roster_service binaries:
// a disk that fills up under a running service, a file system that turns
// read-only under it, a read-only data directory at start, and database
// files that are corrupt, truncated, not databases at all, another service's,
// or of a newer schema.
//
// What must hold (the issue, and the project rule that a bad input gets a
// clear error and loses nothing already stored):
//   - a write the disk cannot take is refused with UNAVAILABLE and a message
//     that names the cause and says nothing was written; nobody, reader or
//     later writer, sees it;
//   - reads go on being served throughout;
//   - when space returns, the next write succeeds, without a restart;
//   - a restart afterwards shows exactly the writes that were acknowledged;
//   - a file the service cannot trust stops it at start (exit code non-zero)
//     with one line on stderr naming the file and the problem, and the file
//     is left byte for byte as it was.
//
// The faults are real, not mocked. As root with CAP_SYS_ADMIN (CI, and the
// developers' machines) the data directory is a small tmpfs, filled with a
// filler file for a full disk and remounted read-only (while the service is
// stopped: Linux refuses to remount a file system read-only while files on
// it are open for writing); a file system that turns read-only under a
// running service is an ext4 image on a loop device mounted with
// errors=remount-ro, whose error the kernel's trigger_fs_error raises.
// Without mount rights the full disk is RLIMIT_FSIZE on the server process
// (lowered and raised again with prlimit), the read-only start a file mode
// the service's user cannot write; the read-only file system cannot be made
// then, and its test says so and skips.

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/crypto.h"
#include "common/sqlite.h"
#include "common/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/roster_service/roster_test_support.h"
#include "tests/testing/command_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::storage_testing {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
using ::grassroots::testing::ServerOptions;
using ::grassroots::testing::ServerProcess;
using ::grassroots::testing::TempDir;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// Files.

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void WriteFileBytes(const std::string& path, absl::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Writes 1 MiB blocks, then smaller ones, to `path` until the file system
// has no room left (ENOSPC); returns the bytes written.
absl::StatusOr<int64_t> FillWith(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
  const std::string block(1 << 20, 'f');
  int64_t written = 0;
  for (size_t size = block.size(); size > 0;) {
    const ssize_t n = write(fd, block.data(), size);
    if (n > 0) {
      written += n;
      continue;
    }
    if (n < 0 && errno != ENOSPC) {
      const int error = errno;
      close(fd);
      return absl::InternalError(absl::StrCat("write ", path, ": ", std::strerror(error)));
    }
    size /= 2;  // ENOSPC: the last pages may still take smaller writes
  }
  fsync(fd);
  close(fd);
  return written;
}

// ---------------------------------------------------------------------------
// Mounts.

// GRASSROOTS_STORAGE_TEST_NO_MOUNT=1 makes the suite take its ways without
// mount rights even as root, to check them.
bool MountsForbidden() {
  const char* value = std::getenv("GRASSROOTS_STORAGE_TEST_NO_MOUNT");
  return value != nullptr && absl::string_view(value) == "1";
}

// A tmpfs of `bytes` mounted on a directory, unmounted (lazily, if a process
// still holds a file on it) when the object goes away.
class Tmpfs {
 public:
  // UNAVAILABLE when mounting is not permitted (not root, no CAP_SYS_ADMIN).
  static absl::StatusOr<std::unique_ptr<Tmpfs>> Mount(const std::string& dir, int64_t bytes) {
    std::filesystem::create_directories(dir);
    if (MountsForbidden()) return absl::UnavailableError("GRASSROOTS_STORAGE_TEST_NO_MOUNT=1");
    const std::string options = absl::StrCat("size=", bytes, ",mode=0755");
    if (mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      return absl::UnavailableError(
          absl::StrCat("mount -t tmpfs on ", dir, ": ", std::strerror(errno)));
    }
    return std::unique_ptr<Tmpfs>(new Tmpfs(dir, options));
  }
  ~Tmpfs() {
    if (umount2(dir_.c_str(), 0) != 0) umount2(dir_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

  // Fails (EBUSY) while a process holds a file on it open for writing.
  absl::Status Remount(bool read_only) {
    const unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    if (mount("tmpfs", dir_.c_str(), "tmpfs", flags, options_.c_str()) != 0) {
      return absl::InternalError(
          absl::StrCat("remount ", read_only ? "ro " : "rw ", dir_, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }

 private:
  Tmpfs(std::string dir, std::string options)
      : dir_(std::move(dir)), options_(std::move(options)) {}
  std::string dir_;
  std::string options_;
};

// An ext4 file system (no journal, so that it can be checked and mounted
// again at once) in an image file on a loop device, mounted with
// errors=remount-ro: TriggerError() makes the kernel turn it read-only under
// the processes using it, as it does for a real error of the device.
class Ext4Image {
 public:
  // UNAVAILABLE, saying why, when this machine cannot do it.
  static absl::StatusOr<std::unique_ptr<Ext4Image>> Create(const std::string& image,
                                                           const std::string& dir) {
    if (geteuid() != 0) return absl::UnavailableError("not root: cannot mount a loop device");
    if (MountsForbidden()) return absl::UnavailableError("GRASSROOTS_STORAGE_TEST_NO_MOUNT=1");
    for (const char* tool : {kMkfs, kMount, kUmount, kFsck}) {
      if (access(tool, X_OK) != 0) return absl::UnavailableError(absl::StrCat(tool, " is missing"));
    }
    { std::ofstream out(image, std::ios::binary | std::ios::trunc); }
    std::filesystem::resize_file(image, 32 << 20);
    if (Run(kMkfs, {"-q", "-F", "-O", "^has_journal", image}) != 0) {
      return absl::UnavailableError(absl::StrCat("mkfs.ext4 failed on ", image));
    }
    std::filesystem::create_directories(dir);
    auto fs = std::unique_ptr<Ext4Image>(new Ext4Image(image, dir));
    if (absl::Status mounted = fs->Mount(); !mounted.ok()) {
      fs->mounted_ = false;
      return absl::UnavailableError(mounted.message());
    }
    if (!std::filesystem::exists(fs->TriggerPath())) {
      return absl::UnavailableError(absl::StrCat(fs->TriggerPath(),
                                                 " is missing: the kernel cannot raise an ext4 "
                                                 "error on demand"));
    }
    return fs;
  }
  ~Ext4Image() {
    if (mounted_ && Run(kUmount, {dir_}) != 0) Run(kUmount, {"-l", dir_});
  }
  Ext4Image(const Ext4Image&) = delete;
  Ext4Image& operator=(const Ext4Image&) = delete;

  // The kernel records an error and remounts the file system read-only.
  absl::Status TriggerError() {
    std::ofstream trigger(TriggerPath());
    trigger << "storage_faults_test\n";
    trigger.close();
    if (!trigger) return absl::InternalError(absl::StrCat("cannot write ", TriggerPath()));
    return absl::OkStatus();
  }

  // What an operator does once the device is fixed: unmount, check, mount.
  absl::Status Repair() {
    if (Run(kUmount, {dir_}) != 0) return absl::InternalError(absl::StrCat("umount ", dir_));
    mounted_ = false;
    // 0: clean; 1: errors corrected. Both leave a file system to mount.
    if (const int code = Run(kFsck, {"-f", "-y", image_}, /*max_ok=*/1); code != 0) {
      return absl::InternalError(absl::StrCat("e2fsck exited with ", code));
    }
    return Mount();
  }

 private:
  static constexpr const char* kMkfs = "/usr/sbin/mkfs.ext4";
  static constexpr const char* kMount = "/usr/bin/mount";
  static constexpr const char* kUmount = "/usr/bin/umount";
  static constexpr const char* kFsck = "/usr/sbin/e2fsck";

  Ext4Image(std::string image, std::string dir) : image_(std::move(image)), dir_(std::move(dir)) {}

  // 0 when `tool` exited with a code up to `max_ok`; its exit code (and its
  // output on stderr) otherwise.
  static int Run(const std::string& tool, const std::vector<std::string>& args, int max_ok = 0) {
    const ::grassroots::testing::CommandResult result =
        ::grassroots::testing::RunCommand(tool, args, {}, std::chrono::seconds(60));
    if (result.exit_code >= 0 && result.exit_code <= max_ok) return 0;
    std::cerr << tool << " " << absl::StrJoin(args, " ") << ": " << result;
    return result.exit_code;
  }

  absl::Status Mount() {
    if (Run(kMount, {"-o", "loop,errors=remount-ro", image_, dir_}) != 0) {
      return absl::UnavailableError(absl::StrCat("cannot mount ", image_, " on a loop device"));
    }
    mounted_ = true;
    // The device's name under /sys/fs/ext4: the mount's source, /dev/loopN.
    std::ifstream mounts("/proc/self/mounts");
    std::string line;
    const std::string canonical = std::filesystem::canonical(dir_).string();
    while (std::getline(mounts, line)) {
      const std::vector<std::string> fields = absl::StrSplit(line, ' ');
      if (fields.size() > 2 && fields[1] == canonical && fields[2] == "ext4") {
        device_ = std::filesystem::path(fields[0]).filename().string();
      }
    }
    return absl::OkStatus();
  }
  std::string TriggerPath() const {
    return absl::StrCat("/sys/fs/ext4/", device_, "/trigger_fs_error");
  }

  std::string image_;
  std::string dir_;
  std::string device_;
  bool mounted_ = true;
};

// ---------------------------------------------------------------------------
// A full disk, made one of two ways.

// In the server's child before exec: a full disk made with RLIMIT_FSIZE
// would otherwise kill the server with SIGXFSZ instead of failing the write
// with EFBIG. An ignored signal stays ignored across exec.
bool IgnoreFileSizeSignal(const void*) { return signal(SIGXFSZ, SIG_IGN) != SIG_ERR; }

class DiskFull {
 public:
  virtual ~DiskFull() = default;
  virtual std::string how() const = 0;
  // What the service's message must name as the cause.
  virtual std::string cause() const = 0;
  virtual absl::Status Fill(pid_t server) = 0;
  virtual absl::Status Free(pid_t server) = 0;
};

// A tmpfs data directory filled with a filler file.
class TmpfsDiskFull final : public DiskFull {
 public:
  explicit TmpfsDiskFull(std::string dir) : filler_(dir + "/filler") {}
  std::string how() const override { return "tmpfs filled with a filler file"; }
  std::string cause() const override { return "the disk is full"; }
  absl::Status Fill(pid_t) override {
    absl::StatusOr<int64_t> written = FillWith(filler_);
    return written.status();
  }
  absl::Status Free(pid_t) override {
    if (unlink(filler_.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("unlink ", filler_, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }

 private:
  std::string filler_;
};

// RLIMIT_FSIZE of the server process at the size of its largest database
// file: no file of it may grow any more.
class FileSizeLimitDiskFull final : public DiskFull {
 public:
  explicit FileSizeLimitDiskFull(std::string dir) : dir_(std::move(dir)) {}
  std::string how() const override { return "RLIMIT_FSIZE of the server (no mount rights)"; }
  std::string cause() const override {
    return "the file has reached the largest size allowed (RLIMIT_FSIZE or the file system)";
  }
  absl::Status Fill(pid_t server) override {
    uintmax_t largest = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.is_regular_file()) largest = std::max(largest, entry.file_size());
    }
    return SetLimit(server, static_cast<rlim_t>(largest));
  }
  absl::Status Free(pid_t server) override { return SetLimit(server, RLIM_INFINITY); }

 private:
  static absl::Status SetLimit(pid_t server, rlim_t limit) {
    const rlimit value{.rlim_cur = limit, .rlim_max = RLIM_INFINITY};
    if (prlimit(server, RLIMIT_FSIZE, &value, nullptr) != 0) {
      return absl::InternalError(absl::StrCat("prlimit: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  std::string dir_;
};

// ---------------------------------------------------------------------------
// The services, driven the same way.

// Starts one service (and what it needs) on a data directory the test
// chooses, and makes numbered writes whose presence can be read back: write
// i makes resource i, and Present() lists the numbers of those that exist.
class Service {
 public:
  virtual ~Service() = default;
  // "org_service"
  virtual std::string binary_name() const = 0;
  // "the org service", as in its messages.
  virtual std::string service_name() const = 0;
  // "org.db"
  virtual std::string db_file() const = 0;
  // Starts the service (and, for the roster, an org_service beside it) on
  // `data_dir`; with `in_child` as ServerOptions has it.
  virtual absl::Status Start(const std::string& data_dir,
                             bool (*in_child)(const void*) = nullptr) = 0;
  // Makes what the numbered writes need (an org's compound to put buildings
  // under, a person to read).
  virtual absl::Status Seed() = 0;
  virtual absl::Status Write(int i) = 0;
  // A point read and a page of a list.
  virtual absl::Status Read() = 0;
  virtual absl::StatusOr<std::set<int>> Present() = 0;

  ServerProcess& server() { return *server_; }
  bool has_server() const { return server_ != nullptr; }

  // SIGTERM; the exit code must be 0.
  absl::Status Stop() {
    absl::StatusOr<int> code = server_->Stop(SIGTERM);
    if (!code.ok()) return code.status();
    if (*code != 0) return absl::InternalError(absl::StrCat("exit code ", *code, " on SIGTERM"));
    return absl::OkStatus();
  }
  // Starts the stopped service again on the same data directory.
  absl::Status Restart() {
    RETURN_IF_ERROR(server_->Start());
    Connect();
    return absl::OkStatus();
  }

  void PrintLogs() const {
    for (const ServerProcess* process : {peer_.get(), server_.get()}) {
      if (process == nullptr) continue;
      std::cerr << "---- " << process->log_path() << " ----\n"
                << process->ReadLog() << "---- end of log ----\n";
    }
  }

 protected:
  virtual void Connect() = 0;
  // Launches the service's own process; INTERNAL (with the log) when it
  // exits at start.
  absl::Status LaunchServer(ServerOptions options) {
    server_ = std::make_unique<ServerProcess>(std::move(options));
    RETURN_IF_ERROR(server_->Start());
    Connect();
    return absl::OkStatus();
  }

  std::unique_ptr<ServerProcess> peer_;    // the roster's org_service
  std::unique_ptr<ServerProcess> server_;  // the service under test
};

class OrgService final : public Service {
 public:
  std::string binary_name() const override { return "org_service"; }
  std::string service_name() const override { return "the org service"; }
  std::string db_file() const override { return "org.db"; }

  absl::Status Start(const std::string& data_dir, bool (*in_child)(const void*)) override {
    ServerOptions options;
    options.binary = ORG_SERVICE_BINARY;
    options.data_dir = data_dir;
    options.in_child = in_child;
    return LaunchServer(std::move(options));
  }

  absl::Status Seed() override {
    ASSIGN_OR_RETURN(const org_v1::Unit district, client_->CreateUnit(org::testing::NewUnit(
                                                      org_v1::DISTRICT, "", "江汉区", "420103")));
    ASSIGN_OR_RETURN(const org_v1::Unit street,
                     client_->CreateUnit(org::testing::NewUnit(org_v1::STREET, district.name(),
                                                               "民族街道", "420103001")));
    ASSIGN_OR_RETURN(const org_v1::Unit community,
                     client_->CreateUnit(org::testing::NewUnit(org_v1::COMMUNITY, street.name(),
                                                               "水塔社区", "420103001001")));
    org_v1::CompoundDetails details;
    details.set_kind(org_v1::CompoundDetails::COMMODITY);
    details.set_households(520);
    ASSIGN_OR_RETURN(const org_v1::Unit compound,
                     client_->CreateUnit(
                         org::testing::NewCompound(community.name(), "幸福花园", "XF", details)));
    compound_ = compound.name();
    return absl::OkStatus();
  }

  absl::Status Write(int i) override {
    return client_
        ->CreateUnit(org::testing::NewBuilding(compound_, absl::StrCat(i, "号楼"),
                                               absl::StrCat("W", i), 24, 6,
                                               absl::StrCat("幸福花园", i, "号楼")))
        .status();
  }

  absl::Status Read() override {
    RETURN_IF_ERROR(client_->GetUnit(compound_).status());
    org_v1::ListUnitsRequest request;
    request.set_parent(compound_);
    request.set_page_size(10);
    return client_->ListUnits(request).status();
  }

  absl::StatusOr<std::set<int>> Present() override {
    ASSIGN_OR_RETURN(const std::vector<org_v1::Unit> buildings, client_->Children(compound_));
    std::set<int> present;
    for (const org_v1::Unit& building : buildings) {
      int i = 0;
      if (!absl::StartsWith(building.code(), "W") ||
          !absl::SimpleAtoi(building.code().substr(1), &i)) {
        return absl::InternalError(absl::StrCat("unexpected building code ", building.code()));
      }
      present.insert(i);
    }
    return present;
  }

 protected:
  void Connect() override {
    client_ = std::make_unique<org::testing::OrgClient>(
        ::grassroots::testing::CreateTestChannel(server_->address()));
  }

 private:
  std::unique_ptr<org::testing::OrgClient> client_;
  std::string compound_;
};

class RosterService final : public Service {
 public:
  std::string binary_name() const override { return "roster_service"; }
  std::string service_name() const override { return "the roster service"; }
  std::string db_file() const override { return "roster.db"; }

  absl::Status Start(const std::string& data_dir, bool (*in_child)(const void*)) override {
    if (peer_ == nullptr) {
      // The org service keeps its data on the ordinary disk: only the
      // roster's storage is at fault here.
      ServerOptions org_options;
      org_options.binary = ORG_SERVICE_BINARY;
      ASSIGN_OR_RETURN(peer_, ServerProcess::Launch(org_options));
    }
    ServerOptions options;
    options.binary = ROSTER_SERVICE_BINARY;
    options.data_dir = data_dir;
    options.in_child = in_child;
    options.extra_args = {
        absl::StrCat("--org_service=", peer_->address()),
        absl::StrCat("--org_deadline=", absl::FormatDuration(roster::testing::kOrgDeadline))};
    return LaunchServer(std::move(options));
  }

  absl::Status Seed() override {
    ASSIGN_OR_RETURN(
        const roster_v1::Person person,
        client_->CreatePerson(roster::testing::NewPerson(
            "读者", roster::testing::TestIdCardNumber(999999), roster::testing::TestPhone(9999))));
    reader_ = person.name();
    return absl::OkStatus();
  }

  absl::Status Write(int i) override {
    return client_
        ->CreatePerson(roster::testing::NewPerson(absl::StrCat(kWrittenPrefix, i),
                                                  roster::testing::TestIdCardNumber(i),
                                                  roster::testing::TestPhone(i)))
        .status();
  }

  absl::Status Read() override {
    RETURN_IF_ERROR(client_->GetPerson(reader_).status());
    roster_v1::ListPeopleRequest request;
    request.set_page_size(10);
    return client_->ListPeople(request).status();
  }

  absl::StatusOr<std::set<int>> Present() override {
    ASSIGN_OR_RETURN(const org::testing::Pages<roster_v1::Person> people,
                     client_->ListAllPeople(roster_v1::ListPeopleRequest()));
    std::set<int> present;
    for (const roster_v1::Person& person : people.items) {
      if (person.name() == reader_) continue;
      int i = 0;
      if (!absl::StartsWith(person.display_name(), kWrittenPrefix) ||
          !absl::SimpleAtoi(person.display_name().substr(kWrittenPrefix.size()), &i)) {
        return absl::InternalError(absl::StrCat("unexpected person ", person.display_name()));
      }
      present.insert(i);
    }
    return present;
  }

 protected:
  void Connect() override {
    client_ = std::make_unique<roster::testing::RosterClient>(
        ::grassroots::testing::CreateTestChannel(server_->address()));
  }

 private:
  static constexpr absl::string_view kWrittenPrefix = "测试人员";
  std::unique_ptr<roster::testing::RosterClient> client_;
  std::string reader_;
};

std::unique_ptr<Service> MakeService(absl::string_view which) {
  if (which == "org") return std::make_unique<OrgService>();
  return std::make_unique<RosterService>();
}

// What the server wrote to its log: the lines after the command line that
// ServerProcess puts first.
std::vector<std::string> ServerLines(const std::string& log) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "$ ")) lines.emplace_back(line);
  }
  return lines;
}

std::string Describe(const std::set<int>& numbers) {
  return absl::StrCat(numbers.size(), " {", absl::StrJoin(numbers, ","), "}");
}

// ---------------------------------------------------------------------------
// The fixture: one service, parameterised.

class StorageFaultTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { service_ = MakeService(GetParam()); }

  void TearDown() override {
    if (HasFailure() && service_ != nullptr) service_->PrintLogs();
    // The processes first: a file system still in use unmounts only lazily.
    service_.reset();
    ext4_.reset();
    tmpfs_.reset();
  }

  // A write during a fault: acknowledged, or refused with UNAVAILABLE and a
  // message that names the cause. Anything else fails the test.
  enum class Outcome { kAcknowledged, kRefused };
  Outcome ExpectAcknowledgedOrRefused(int i, const std::string& cause) {
    const absl::Status status = service_->Write(i);
    if (status.ok()) return Outcome::kAcknowledged;
    EXPECT_THAT(status, ::grassroots::testing::StatusIs(
                            absl::StatusCode::kUnavailable,
                            HasSubstr(absl::StrCat(service_->service_name(),
                                                   " cannot write its database: ", cause,
                                                   "; nothing was written"))))
        << "write " << i;
    if (first_refusal_message_.empty()) first_refusal_message_ = std::string(status.message());
    return Outcome::kRefused;
  }

  // Everything acknowledged is there, nothing else.
  void ExpectPresentIsExactly(const std::set<int>& acknowledged, absl::string_view when) {
    absl::StatusOr<std::set<int>> present = service_->Present();
    ASSERT_OK(present) << when;
    EXPECT_EQ(Describe(*present), Describe(acknowledged)) << when;
  }

  std::unique_ptr<Service> service_;
  TempDir dirs_;
  std::unique_ptr<Tmpfs> tmpfs_;
  std::unique_ptr<Ext4Image> ext4_;
  std::string first_refusal_message_;
};

INSTANTIATE_TEST_SUITE_P(Services, StorageFaultTest, ::testing::Values("org", "roster"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// ---------------------------------------------------------------------------
// A full disk.

TEST_P(StorageFaultTest, FullDiskRefusesWritesServesReadsRecoversAndKeepsExactlyTheAcknowledged) {
  const std::string data_dir = dirs_.File("data");
  std::unique_ptr<DiskFull> full;
  absl::StatusOr<std::unique_ptr<Tmpfs>> tmpfs = Tmpfs::Mount(data_dir, 16 << 20);
  if (tmpfs.ok()) {
    tmpfs_ = *std::move(tmpfs);
    full = std::make_unique<TmpfsDiskFull>(data_dir);
    ASSERT_OK(service_->Start(data_dir));
  } else {
    std::cout << "[ note ] " << tmpfs.status().message() << "; using RLIMIT_FSIZE instead\n";
    full = std::make_unique<FileSizeLimitDiskFull>(data_dir);
    ASSERT_OK(service_->Start(data_dir, &IgnoreFileSizeSignal));
  }
  ASSERT_OK(service_->Seed());

  std::set<int> acknowledged;
  int next = 1;
  constexpr int kBefore = 100;
  for (; next <= kBefore; ++next) {
    ASSERT_OK(service_->Write(next)) << "write " << next;
    acknowledged.insert(next);
  }

  ASSERT_OK(full->Fill(service_->server().pid()));
  // Writes may still land in space the database's files already hold (a WAL
  // that was reset by a checkpoint is overwritten from its start); the first
  // that needs a new block is refused. It must come.
  constexpr int kMaxWritesUntilFull = 3000;
  int acknowledged_while_full = 0;
  std::set<int> refused;
  for (int tries = 0; refused.empty(); ++tries, ++next) {
    ASSERT_LT(tries, kMaxWritesUntilFull) << "could not make the disk full (" << full->how()
                                          << "): " << tries << " writes all succeeded";
    const Outcome outcome = ExpectAcknowledgedOrRefused(next, full->cause());
    if (HasFailure()) return;
    if (outcome == Outcome::kAcknowledged) {
      acknowledged.insert(next);
      ++acknowledged_while_full;
    } else {
      refused.insert(next);
    }
  }

  // While it is full: more writes (each also tried twice: a refused write
  // that stayed in the service's memory would make the second an
  // ALREADY_EXISTS), a concurrent burst, reads after each.
  constexpr int kWritesWhileFull = 50;
  constexpr int kReadsPerWrite = 4;
  int reads_served = 0;
  int refused_attempts = 1;
  for (int k = 0; k < kWritesWhileFull; ++k, ++next) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      const Outcome outcome = ExpectAcknowledgedOrRefused(next, full->cause());
      if (outcome == Outcome::kAcknowledged) {
        acknowledged.insert(next);
        ++acknowledged_while_full;
        break;
      }
      refused.insert(next);
      ++refused_attempts;
    }
    for (int r = 0; r < kReadsPerWrite; ++r) {
      ASSERT_OK(service_->Read()) << "a read while the disk is full";
      ++reads_served;
    }
    // Readers see exactly what was stored, never a refused write.
    ASSERT_NO_FATAL_FAILURE(ExpectPresentIsExactly(acknowledged, "while the disk is full"));
    ++reads_served;
    if (HasFailure()) return;
  }
  {
    // Concurrent writers, so that refused writes share a batch.
    constexpr int kBurst = 16;
    std::vector<absl::Status> results(kBurst);
    std::vector<std::thread> writers;
    for (int w = 0; w < kBurst; ++w) {
      writers.emplace_back([&, w] { results[w] = service_->Write(next + w); });
    }
    for (std::thread& writer : writers) writer.join();
    for (int w = 0; w < kBurst; ++w, ++next) {
      if (results[w].ok()) {
        acknowledged.insert(next);
        ++acknowledged_while_full;
        continue;
      }
      EXPECT_THAT(results[w], ::grassroots::testing::StatusIs(absl::StatusCode::kUnavailable,
                                                              HasSubstr(full->cause())));
      refused.insert(next);
      ++refused_attempts;
    }
    ASSERT_NO_FATAL_FAILURE(ExpectPresentIsExactly(acknowledged, "after the concurrent burst"));
  }

  // Space returns: the very next write succeeds, without a restart.
  ASSERT_OK(full->Free(service_->server().pid()));
  const int first_after = next++;
  ASSERT_OK(service_->Write(first_after)) << "the first write after space returned";
  acknowledged.insert(first_after);
  // The refused writes can be made now (nothing of them was kept), and more.
  for (int i : refused) {
    ASSERT_OK(service_->Write(i)) << "write " << i << " again, after it was refused";
    acknowledged.insert(i);
  }
  for (int k = 0; k < 20; ++k, ++next) {
    ASSERT_OK(service_->Write(next));
    acknowledged.insert(next);
  }
  ASSERT_NO_FATAL_FAILURE(ExpectPresentIsExactly(acknowledged, "after space returned"));

  // The operator's log has the details the callers were spared.
  const std::string log = service_->server().ReadLog();
  EXPECT_THAT(log, HasSubstr(absl::StrCat(service_->service_name(), ": writes are failing")));
  EXPECT_THAT(log, HasSubstr(service_->db_file()));
  EXPECT_THAT(log, HasSubstr(absl::StrCat(service_->service_name(), ": writes succeed again")));

  ASSERT_OK(service_->Stop());
  ASSERT_OK(service_->Restart());
  absl::StatusOr<std::set<int>> after_restart = service_->Present();
  ASSERT_OK(after_restart);
  EXPECT_EQ(Describe(*after_restart), Describe(acknowledged)) << "after a restart";

  std::cout << "[ figures ] " << service_->binary_name() << " disk full (" << full->how()
            << "): " << refused_attempts << " writes refused (UNAVAILABLE " << refused_attempts
            << ", " << refused.size() << " distinct), " << acknowledged_while_full
            << " acknowledged while full (room the files already held), " << reads_served
            << " reads served, recovered on first write after space returned; restart: "
            << acknowledged.size() << " acknowledged / " << after_restart->size() << " present\n";
  std::cout << "[ figures ] " << service_->binary_name() << " message: \"" << first_refusal_message_
            << "\"\n";
}

// ---------------------------------------------------------------------------
// A file system that turns read-only under the running service.

TEST_P(StorageFaultTest, FileSystemTurningReadOnlyRefusesWritesServesReadsAndLosesNothing) {
  const std::string data_dir = dirs_.File("data");
  absl::StatusOr<std::unique_ptr<Ext4Image>> ext4 =
      Ext4Image::Create(dirs_.File("ext4.img"), data_dir);
  if (!ext4.ok()) {
    GTEST_SKIP() << "a file system that turns read-only under a running process needs an ext4 "
                    "loop mount (root, CAP_SYS_ADMIN, loop devices, trigger_fs_error): "
                 << ext4.status().message();
  }
  ext4_ = *std::move(ext4);
  ASSERT_OK(service_->Start(data_dir));
  ASSERT_OK(service_->Seed());
  std::set<int> acknowledged;
  int next = 1;
  for (; next <= 50; ++next) {
    ASSERT_OK(service_->Write(next));
    acknowledged.insert(next);
  }

  const size_t acknowledged_before = acknowledged.size();
  ASSERT_OK(ext4_->TriggerError());
  constexpr int kWrites = 50;
  int refused = 0;
  int reads_served = 0;
  std::set<int> refused_numbers;
  for (int k = 0; k < kWrites; ++k, ++next) {
    // No write can reach a read-only file system: every one is refused.
    const absl::Status status = service_->Write(next);
    ASSERT_THAT(status, ::grassroots::testing::StatusIs(
                            absl::StatusCode::kUnavailable,
                            HasSubstr(absl::StrCat(service_->service_name(),
                                                   " cannot write its database: the file system "
                                                   "is read-only; nothing was written"))))
        << "write " << next;
    if (first_refusal_message_.empty()) first_refusal_message_ = std::string(status.message());
    ++refused;
    refused_numbers.insert(next);
    ASSERT_OK(service_->Read());
    ++reads_served;
    ASSERT_NO_FATAL_FAILURE(ExpectPresentIsExactly(acknowledged, "while read-only"));
    ++reads_served;
  }

  // A file system the kernel turned read-only after an error comes back only
  // through unmounting it: the service must stop cleanly, and start again on
  // the repaired file system with exactly what it acknowledged.
  ASSERT_OK(service_->Stop());
  ASSERT_OK(ext4_->Repair());
  ASSERT_OK(service_->Restart());
  absl::StatusOr<std::set<int>> after_restart = service_->Present();
  ASSERT_OK(after_restart);
  EXPECT_EQ(Describe(*after_restart), Describe(acknowledged)) << "after the repair";
  for (int i : refused_numbers) {
    ASSERT_OK(service_->Write(i)) << "write " << i << " again, after it was refused";
    acknowledged.insert(i);
  }
  ASSERT_NO_FATAL_FAILURE(ExpectPresentIsExactly(acknowledged, "after writing again"));

  std::cout << "[ figures ] " << service_->binary_name()
            << " read-only file system (ext4 errors=remount-ro): " << refused
            << " writes refused (UNAVAILABLE " << refused << "), " << reads_served
            << " reads served; after repair and restart: " << after_restart->size() << " present / "
            << acknowledged_before << " acknowledged; the " << refused_numbers.size()
            << " refused writes then succeeded\n";
  std::cout << "[ figures ] " << service_->binary_name() << " message: \"" << first_refusal_message_
            << "\"\n";
}

// ---------------------------------------------------------------------------
// A read-only data directory at start.

// In the server's child: run as nobody, who may not write the root-owned
// database file.
bool BecomeNobody(const void*) { return setgid(65534) == 0 && setuid(65534) == 0; }

TEST_P(StorageFaultTest, ReadOnlyDataDirectoryAtStartIsRefusedAndLeftAsItWas) {
  const std::string data_dir = dirs_.File("data");
  absl::StatusOr<std::unique_ptr<Tmpfs>> tmpfs = Tmpfs::Mount(data_dir, 16 << 20);
  if (tmpfs.ok()) tmpfs_ = *std::move(tmpfs);
  ASSERT_OK(service_->Start(data_dir));
  ASSERT_OK(service_->Seed());
  std::set<int> acknowledged;
  for (int i = 1; i <= 20; ++i) {
    ASSERT_OK(service_->Write(i));
    acknowledged.insert(i);
  }
  ASSERT_OK(service_->Stop());
  const std::string db = absl::StrCat(data_dir, "/", service_->db_file());
  const std::string before = ReadFileBytes(db);

  std::string how;
  std::unique_ptr<ServerProcess> refused_start;
  if (tmpfs_ != nullptr) {
    how = "tmpfs remounted read-only";
    ASSERT_OK(tmpfs_->Remount(/*read_only=*/true));
    EXPECT_THAT(service_->server().Start(),
                ::grassroots::testing::StatusIs(absl::StatusCode::kInternal,
                                                HasSubstr("exited with code 1")));
  } else {
    // Without mount rights: a file the service's user may not write.
    how = geteuid() == 0 ? "modes 0444 and 0555, server run as nobody" : "modes 0444 and 0555";
    namespace fs = std::filesystem;
    const fs::perms read_and_search = fs::perms::owner_read | fs::perms::owner_exec |
                                      fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec;
    // Nobody may reach the data directory, and neither write in it nor the file.
    fs::permissions(dirs_.path(), read_and_search);
    fs::permissions(data_dir, read_and_search);
    fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    ServerOptions options;
    options.binary =
        service_->binary_name() == "org_service" ? ORG_SERVICE_BINARY : ROSTER_SERVICE_BINARY;
    options.data_dir = data_dir;
    if (geteuid() == 0) options.in_child = &BecomeNobody;
    refused_start = std::make_unique<ServerProcess>(options);
    EXPECT_THAT(refused_start->Start(),
                ::grassroots::testing::StatusIs(absl::StatusCode::kInternal,
                                                HasSubstr("exited with code 1")));
  }
  const std::string log =
      refused_start != nullptr ? refused_start->ReadLog() : service_->server().ReadLog();
  // One line, from the service, naming the file and the problem.
  const std::vector<std::string> lines = ServerLines(log);
  ASSERT_EQ(lines.size(), 1u) << log;
  EXPECT_THAT(lines[0], HasSubstr(absl::StrCat(service_->binary_name(), ": ")));
  EXPECT_THAT(lines[0], HasSubstr(db));
  EXPECT_THAT(lines[0], HasSubstr("is not writable"));
  EXPECT_THAT(lines[0],
              HasSubstr(tmpfs_ != nullptr ? "read-only file system" : "permission denied"));
  EXPECT_EQ(ReadFileBytes(db), before) << "the database file changed";

  if (tmpfs_ != nullptr) {
    ASSERT_OK(tmpfs_->Remount(/*read_only=*/false));
  } else {
    std::filesystem::permissions(dirs_.path(), std::filesystem::perms::owner_all);
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all);
    std::filesystem::permissions(
        db, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  ASSERT_OK(service_->Restart());
  ASSERT_NO_FATAL_FAILURE(ExpectPresentIsExactly(acknowledged, "after the directory is writable"));
  ASSERT_OK(service_->Write(21));
  std::cout << "[ figures ] " << service_->binary_name() << " read-only data directory at start ("
            << how << "): refused, exit code 1, 1 line: \"" << lines[0]
            << "\"; file unchanged; 20 / 20 present once writable\n";
}

// ---------------------------------------------------------------------------
// Files the service must not trust, at start.

// How a database file is spoiled before the start, and what the one line on
// stderr must say.
struct BadFile {
  std::string name;
  std::string problem;  // a substring of the message
  std::function<void(const std::string& db, const std::string& good_bytes,
                     const std::string& other_service_db)>
      spoil;
};

std::vector<BadFile> BadFiles() {
  std::vector<BadFile> cases;
  cases.push_back({"random bytes", "is not an SQLite database",
                   [](const std::string& db, const std::string&, const std::string&) {
                     std::mt19937 random(20240601);
                     std::string bytes(64 * 1024, '\0');
                     for (char& c : bytes) c = static_cast<char>(random());
                     WriteFileBytes(db, bytes);
                   }});
  cases.push_back({"a CSV file", "is not an SQLite database",
                   [](const std::string& db, const std::string&, const std::string&) {
                     WriteFileBytes(db, "display_name,code\n江汉区,420103\n民族街道,420103001\n");
                   }});
  cases.push_back({"truncated to half", "is a corrupt SQLite database",
                   [](const std::string& db, const std::string& good, const std::string&) {
                     WriteFileBytes(db, absl::string_view(good).substr(0, good.size() / 2));
                   }});
  cases.push_back({"truncated inside the header", "is a corrupt SQLite database",
                   [](const std::string& db, const std::string& good, const std::string&) {
                     WriteFileBytes(db, absl::string_view(good).substr(0, 60));
                   }});
  cases.push_back({"pages overwritten", "malformed",
                   [](const std::string& db, const std::string& good, const std::string&) {
                     std::string bytes = good;
                     // Keep page 1 (header and schema); spoil the rest.
                     std::fill(bytes.begin() + 4096, bytes.end(), '\xa5');
                     WriteFileBytes(db, bytes);
                   }});
  cases.push_back({"newer schema (user_version 99)",
                   "schema version 99 is newer than this binary supports",
                   [](const std::string& db, const std::string& good, const std::string&) {
                     WriteFileBytes(db, good);
                     auto opened = sqlite::Database::Open(db, {.wal = false});
                     ASSERT_OK(opened);
                     ASSERT_OK((*opened)->Exec("PRAGMA user_version = 99"));
                   }});
  cases.push_back({"the other service's database", "belongs to another application",
                   [](const std::string& db, const std::string&, const std::string& other) {
                     WriteFileBytes(db, other);
                   }});
  return cases;
}

TEST_P(StorageFaultTest, UntrustworthyDatabaseFileStopsTheStartAndIsLeftByteForByte) {
  // A real database of each service, written by it and closed cleanly.
  std::string good;
  std::string other;
  {
    const std::string dir = dirs_.File("good");
    ASSERT_OK(service_->Start(dir));
    ASSERT_OK(service_->Seed());
    for (int i = 1; i <= 200; ++i) ASSERT_OK(service_->Write(i));
    ASSERT_OK(service_->Stop());
    good = ReadFileBytes(absl::StrCat(dir, "/", service_->db_file()));
    ASSERT_GT(good.size(), 3 * 4096u);
    ASSERT_FALSE(std::filesystem::exists(absl::StrCat(dir, "/", service_->db_file(), "-wal")))
        << "a clean stop leaves the whole database in its file";

    std::unique_ptr<Service> other_service = MakeService(GetParam() == "org" ? "roster" : "org");
    const std::string other_dir = dirs_.File("other");
    ASSERT_OK(other_service->Start(other_dir));
    ASSERT_OK(other_service->Stop());
    other = ReadFileBytes(absl::StrCat(other_dir, "/", other_service->db_file()));
  }

  int refused = 0;
  for (const BadFile& bad : BadFiles()) {
    SCOPED_TRACE(bad.name);
    const std::string dir = dirs_.File(absl::StrCat("bad-", refused));
    std::filesystem::create_directories(dir);
    const std::string db = absl::StrCat(dir, "/", service_->db_file());
    bad.spoil(db, good, other);
    if (HasFatalFailure()) return;
    const std::string before = ReadFileBytes(db);
    const std::string hash_before = Sha256Hex(before);

    ServerOptions options;
    options.binary =
        service_->binary_name() == "org_service" ? ORG_SERVICE_BINARY : ROSTER_SERVICE_BINARY;
    options.data_dir = dir;
    // The roster refuses its file before it ever calls the org service.
    if (GetParam() == "roster") options.extra_args = {"--org_service=127.0.0.1:1"};
    ServerProcess process(options);
    EXPECT_THAT(process.Start(), ::grassroots::testing::StatusIs(absl::StatusCode::kInternal,
                                                                 HasSubstr("exited with code 1")));
    const std::string log = process.ReadLog();
    const std::vector<std::string> lines = ServerLines(log);
    ASSERT_EQ(lines.size(), 1u) << log;
    EXPECT_THAT(lines[0], HasSubstr(absl::StrCat(service_->binary_name(), ": ")));
    EXPECT_THAT(lines[0], HasSubstr(db));
    EXPECT_THAT(lines[0], HasSubstr(bad.problem));
    EXPECT_THAT(lines[0], HasSubstr("refusing to"));
    const std::string after = ReadFileBytes(db);
    EXPECT_EQ(Sha256Hex(after), hash_before) << "the file was changed";
    EXPECT_EQ(after.size(), before.size());
    // Nothing else was left beside it.
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      files.push_back(entry.path().filename().string());
    }
    EXPECT_THAT(files, ::testing::ElementsAre(service_->db_file()));
    std::cout << "[ figures ] " << service_->binary_name() << " " << bad.name
              << ": refused at start, exit code 1, file unchanged (sha256 "
              << hash_before.substr(0, 12) << "...): \"" << lines[0] << "\"\n";
    ++refused;
  }
  EXPECT_EQ(refused, static_cast<int>(BadFiles().size()));
}

}  // namespace
}  // namespace grassroots::storage_testing

#ifndef GRASSROOTS_CLI_ACTIVITY_COMMANDS_H_
#define GRASSROOTS_CLI_ACTIVITY_COMMANDS_H_

// `orgctl activities ...`, `orgctl attendance ...`, `orgctl credit ...` and
// `orgctl service-points ...`: the activity service (grassroots.activity.v1,
// docs/activities.md), through the gateway.
//
//   activities plan          an activity of a party organisation (DRAFT)
//   activities show, list    one; those at or below a place, by kind, state,
//                            organisation and month
//   activities submit, approve, return, hold, record, cancel
//                            the transitions, each with an optional --etag
//   attendance list          an activity's lines
//   attendance import FILE   a sign-in sheet (CSV: 类型,人员,时长分钟,人数,编号)
//   credit show PERSON       balance, totals and a month's or a year's totals
//   credit entries, redeem   the ledger; spending credit
//   service-points create, show, list, delete
//
// Kinds and states are shown by their Chinese labels
// (activity_service/activity_labels.h), times in Beijing time.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cli/context.h"
#include "cli/csv.h"
#include "cli/output.h"
#include "grassroots/activity/v1/resources.pb.h"

namespace grassroots::cli {

void AddActivityCommands(CLI::App& app, std::shared_ptr<Context> context);

const Columns<activity::v1::Activity>& ActivityTableColumns();
const Columns<activity::v1::Attendance>& AttendanceTableColumns();

// The header of a sign-in sheet.
const std::vector<std::string>& SignInSheetHeader();

// One record of a sign-in sheet of `file` as a line of attendance: 类型 (a
// label such as 志愿者 or a name such as VOLUNTEER), 人员 (people/ID or ID;
// empty for 居民群众), 时长分钟 (minutes, for a person), 人数 (the head count,
// for 居民群众) and 编号 (the line's key; empty: "<file name>:<line>", so that
// the same sheet sent again changes nothing). A record that cannot be read
// is INVALID_ARGUMENT naming its column.
absl::StatusOr<activity::v1::Attendance> SignInLine(const CsvRow& row, absl::string_view file);

// The filter of `activities list`: `kind = K AND state = S AND party_org =
// "partyOrgs/N" AND start_time >= "<month start>" AND start_time < "<next
// month>"` (months in Beijing time: `2026-12`), from what is given.
std::string ActivityFilter(absl::string_view kind, absl::string_view state,
                           absl::string_view party_org, absl::string_view month);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_ACTIVITY_COMMANDS_H_

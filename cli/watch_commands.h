#ifndef GRASSROOTS_CLI_WATCH_COMMANDS_H_
#define GRASSROOTS_CLI_WATCH_COMMANDS_H_

// `orgctl watch org|roster|casework [--from REVISION[.INDEX]]`: follows a
// service's change events, one line per event, until interrupted. Other
// nouns follow their service's events with WatchEvents (`issues watch`).

#include <cstdint>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/context.h"

namespace grassroots::cli {

void AddWatchCommands(CLI::App& app, std::shared_ptr<Context> context);

// The services whose events orgctl follows.
enum class EventSource { kOrg, kRoster, kCasework };

// Where a watch starts and when it stops.
struct WatchFlags {
  // `12` is revision 12 from its first event, `12.3` its fourth event on;
  // empty: only events committed from now on.
  std::string from;
  // The flag `from` came from, for its usage error ("--from").
  std::string from_flag = "--from";
  // Stop after this many events; 0: never.
  int64_t limit = 0;
};

// Adds the start flag (`flags->from_flag`) and `--limit` to `command`.
void AddWatchFlags(CLI::App* command, WatchFlags* flags);

// Streams the events of `source`, one line per event (`revision.index actor
// method resource`; a CSV record or a JSON object on its line with -o), until
// `flags.limit` events were printed or the stream ends (a server that stops
// ends it with an error: exit 1, and a start at the event after the last line
// printed resumes).
void WatchEvents(Context& context, EventSource source, const WatchFlags& flags);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_WATCH_COMMANDS_H_

#ifndef GRASSROOTS_CLI_ISSUE_COMMANDS_H_
#define GRASSROOTS_CLI_ISSUE_COMMANDS_H_

// `orgctl issues ...`: residents' issues of the casework service
// (grassroots.casework.v1), through the gateway.
//
//   report        an issue at a place (--category, --channel: 物业维修 or
//                 PROPERTY_MAINTENANCE, 网格员 or GRID_WORKER)
//   show, list    one issue; the issues at or below a place, by state, level,
//                 category, assignee, reporter, open or overdue
//   accept, escalate, resolve, confirm, reopen, reject
//                 the transitions, each with an optional --etag
//   dispatch, dispatches, acknowledge, report-back
//                 a department summoned by the street or district (街道吹哨、
//                 部门报到) and its answer
//   watch         the service's change events, one line each
//   board         a place's open issues: the overdue ones, and the counts by
//                 state and handling level
//
// Categories, channels, levels and states are shown by their Chinese labels
// (casework_service/casework_labels.h), times in Beijing time.

#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/context.h"
#include "cli/output.h"
#include "grassroots/casework/v1/resources.pb.h"

namespace grassroots::cli {

void AddIssueCommands(CLI::App& app, std::shared_ptr<Context> context);

const Columns<casework::v1::Issue>& IssueTableColumns();
const Columns<casework::v1::Dispatch>& DispatchTableColumns();

// --- Flag values (a mistake is a UsageError naming the flag).

// A label (物业维修) or the proto name in any case (PROPERTY_MAINTENANCE).
casework::v1::Category CategoryFlag(absl::string_view text);
// A label (网格员) or the proto name (GRID_WORKER).
casework::v1::Channel ChannelFlag(absl::string_view text);
// 满意 or 基本满意 (SATISFIED, BASICALLY_SATISFIED); a dissatisfied resident's
// answer is `issues reopen`.
casework::v1::Satisfaction SatisfactionFlag(absl::string_view text);

// `--due`: an RFC 3339 time (2026-12-20T18:00:00+08:00) or a positive
// duration from `now` (90m, 72h, 7d).
absl::Time DueTimeFlag(absl::string_view text, absl::Time now);

// The conditions of `issues list`, as given on the command line; empty or
// false: not a condition.
struct IssueFilterFlags {
  std::string state;     // a label or name of Issue.State
  bool open = false;     // REPORTED, ACCEPTED, ESCALATED or REOPENED
  std::string level;     // a label or name of HandlingLevel
  std::string category;  // as CategoryFlag
  bool overdue = false;
  std::string assignee;  // people/ID (or ID)
  std::string reporter;  // people/ID (or ID)
};

// The AIP-160 filter of ListIssues, the conditions joined by AND in this
// order: `state = ACCEPTED AND open = true AND handling_level = STREET AND
// category = PARKING AND overdue = true AND assignee = "people/3" AND
// reporter = "people/4"`. Empty for no condition.
std::string IssueFilter(const IssueFilterFlags& flags);

// --- The board of a place.

// How long past its due time: 2天3小时, 5小时20分钟, 12分钟 (under a minute:
// 0分钟).
std::string FormatOverdue(absl::Duration overdue);

// The open issues of `open` that are overdue at `now`, the longest overdue
// first: name, title, place, level, due (Beijing time), overdue.
Table OverdueTable(const std::vector<casework::v1::Issue>& open, absl::Time now);

// The issues counted by state (a row per state, by its label, then the
// total) and handling level (a column per level, by its label, then the
// total).
Table BoardCountsTable(const std::vector<casework::v1::Issue>& issues);

// The board: as a table, the overdue issues (or "no overdue issues") then
// the counts; as CSV, the counts; as JSON, one object
// {"overdue": [issues...], "counts": [{"state", "handling_level", "count"}...]}
// with the non-zero counts.
std::string RenderBoard(OutputFormat format, const std::vector<casework::v1::Issue>& all,
                        const std::vector<casework::v1::Issue>& open, absl::Time now);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_ISSUE_COMMANDS_H_

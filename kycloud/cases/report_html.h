// A report as one self-contained, printable HTML page (no scripts, no outside resources): the
// report's facts, its content as nested tables, and for a frozen report the content hash, the
// audit entry and the signed checkpoint an auditor checks it against. An evidence pack shows
// the case, its alerts and its timeline with each event's audit entry.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "kycloud/storage/report_store.h"

namespace kycloud::cases {

std::string RenderReportHtml(const storage::ReportRecord& r);

// Escapes &, <, >, " and ' for HTML text and attributes.
std::string HtmlEscape(std::string_view text);

}  // namespace kycloud::cases

#pragma once

#include <QString>
#include <QStringList>

namespace paydesk::models::csv {

// One CSV field: quoted when needed, and `= + - @` (and tab / CR) at the start neutralised with a
// leading apostrophe so that a spreadsheet shows the text instead of running it as a formula.
// Every CSV Paydesk writes (table exports, the audit log, chart data) goes through it.
QString field(const QString &value);
// Fields joined into one line (without its line end).
QString row(const QStringList &fields);

} // namespace paydesk::models::csv

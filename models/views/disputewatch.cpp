#include "models/views/disputewatch.h"

#include "models/actions/disputeform.h"
#include "models/money.h"
#include "models/views/listtablemodel.h"

#include <QCoreApplication>
#include <QDateTime>

namespace paydesk::models {

namespace {

QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("DisputeWatch", text, nullptr, n);
}

QString describe(const OpenDispute &d, qint64 now)
{
    QString text = QStringLiteral("%1 · %2").arg(Money(d.amount, d.currency).toLabelledString(),
                                                 disputeform::guidanceFor(d.reason).title);
    if (d.dueBy > 0)
        text += QStringLiteral(" · ") + ListTableModel::timeLeftText(d.dueBy, now);
    return text;
}

} // namespace

QList<OpenDispute> DisputeWatch::read(sql::Database &db)
{
    QList<OpenDispute> out;
    if (!db.isOpen())
        return out;
    sql::Statement s = db.prepare(
        QStringLiteral("SELECT id, amount, currency, reason, coalesce(due_by, 0), created FROM "
                       "disputes WHERE deleted = 0 AND status IN ('needs_response', "
                       "'warning_needs_response') ORDER BY coalesce(due_by, 0), id"));
    while (s.isValid() && s.step())
        out.append({s.text(0), s.int64(1), s.text(2), s.text(3), s.int64(4), s.int64(5)});
    return out;
}

QList<DisputeAlert> DisputeWatch::update(const QList<OpenDispute> &open, qint64 now)
{
    QList<DisputeAlert> alerts;
    QList<const OpenDispute *> dueSoon;
    for (const OpenDispute &d : open) {
        const bool soon = d.dueBy > 0 && d.dueBy > now && d.dueBy - now < kDueSoon;
        if (m_baseline && !m_known.contains(d.id)) {
            DisputeAlert a;
            a.kind = DisputeAlert::Kind::New;
            a.ids = {d.id};
            a.title = tr("New dispute");
            a.text = describe(d, now);
            alerts.append(a);
            if (soon)
                m_toldDue.insert(d.id); // Its deadline is in the text already.
        } else if (soon && !m_toldDue.contains(d.id)) {
            dueSoon.append(&d);
        }
        m_known.insert(d.id);
    }
    if (!dueSoon.isEmpty()) {
        DisputeAlert a;
        a.kind = DisputeAlert::Kind::DueSoon;
        QStringList lines;
        for (const OpenDispute *d : std::as_const(dueSoon)) {
            a.ids.append(d->id);
            m_toldDue.insert(d->id);
            lines.append(describe(*d, now));
        }
        a.title = dueSoon.size() == 1 ? tr("Dispute due within 72 hours")
                                      : tr("%n disputes due within 72 hours", int(dueSoon.size()));
        a.text = lines.join(u'\n');
        alerts.append(a);
    }
    m_baseline = true;
    return alerts;
}

} // namespace paydesk::models

#include "models/actions/invoiceplan.h"

#include "models/actions/catalogue.h"
#include "models/actions/staffactions.h"
#include "models/money.h"
#include "models/store/sqlitedb.h"

#include <QLocale>

namespace paydesk::models::invoiceplan {

QString Line::text() const
{
    return custom() ? description + u'=' + QString::number(amount)
                    : price + u':' + QString::number(quantity);
}

QString intentOf(const Plan &plan, const QString &distinct)
{
    QStringList lines;
    for (const Line &l : plan.lines)
        lines.append(l.text());
    return QStringLiteral("invoice create %1 %2 [%3] due=%4 memo=%5%6%7%8%9%10")
        .arg(plan.customer, plan.currency, lines.join(QStringLiteral(", ")),
             QString::number(plan.daysUntilDue), plan.memo,
             plan.footer.isEmpty() ? QString() : QStringLiteral(" footer=") + plan.footer,
             plan.finalize ? QStringLiteral(" finalize") : QString(),
             plan.send ? QStringLiteral(" send") : QString(),
             plan.pay ? QStringLiteral(" pay") : QString(),
             distinct.isEmpty() ? QString() : u' ' + distinct);
}

OutboxAction createDraft(const Plan &plan)
{
    OutboxAction a;
    a.action = QStringLiteral("invoice.create");
    a.path = QStringLiteral("/v1/invoices");
    a.params.add(QStringLiteral("customer"), plan.customer);
    a.params.add(QStringLiteral("currency"), plan.currency);
    if (plan.daysUntilDue >= 0) {
        a.params.add(QStringLiteral("collection_method"), QStringLiteral("send_invoice"));
        a.params.add(QStringLiteral("days_until_due"), plan.daysUntilDue);
    } else {
        a.params.add(QStringLiteral("collection_method"), QStringLiteral("charge_automatically"));
    }
    if (!plan.memo.isEmpty())
        a.params.add(QStringLiteral("description"), plan.memo);
    if (!plan.footer.isEmpty())
        a.params.add(QStringLiteral("footer"), plan.footer);
    // The invoice waits for its lines: Stripe must not finalize it an hour later by itself,
    // nor sweep the customer's other pending items into it.
    a.params.add(QStringLiteral("auto_advance"), false);
    a.params.add(QStringLiteral("pending_invoice_items_behavior"), QStringLiteral("exclude"));
    a.intent = plan.intent;
    return a;
}

OutboxAction addLine(const Plan &plan, const QString &invoiceId, qsizetype line)
{
    const Line &l = plan.lines.at(line);
    OutboxAction a;
    a.action = QStringLiteral("invoice.add_line");
    a.objectId = invoiceId;
    a.path = QStringLiteral("/v1/invoiceitems");
    a.params.add(QStringLiteral("customer"), plan.customer);
    a.params.add(QStringLiteral("invoice"), invoiceId);
    if (!l.custom()) {
        a.params.add(QStringLiteral("price"), l.price);
        a.params.add(QStringLiteral("quantity"), l.quantity);
    } else {
        a.params.add(QStringLiteral("amount"), l.amount);
        a.params.add(QStringLiteral("currency"), plan.currency);
        a.params.add(QStringLiteral("description"), l.description);
    }
    a.intent = plan.intent + QStringLiteral(" line ") + QString::number(line + 1);
    return a;
}

QStringList laterSteps(const Plan &plan)
{
    if (plan.send)
        return {QStringLiteral("finalize"), QStringLiteral("send")};
    if (plan.pay)
        return {QStringLiteral("finalize"), QStringLiteral("pay")};
    if (plan.finalize)
        return {QStringLiteral("finalize")};
    return {};
}

OutboxAction laterStep(const Plan &plan, const QString &invoiceId, const QString &verb)
{
    const StaffAction action = verb == QLatin1String("send") ? StaffAction::InvoiceSend
        : verb == QLatin1String("pay")                       ? StaffAction::InvoicePay
                                                             : StaffAction::InvoiceFinalize;
    OutboxAction a = staffactions::invoiceAction(invoiceId, action);
    a.intent = plan.intent + u' ' + verb;
    return a;
}

int stepCount(const Plan &plan)
{
    return 1 + int(plan.lines.size()) + int(laterSteps(plan).size());
}

Totals totals(const Plan &plan)
{
    Totals t;
    for (const Line &l : plan.lines) {
        if (l.custom()) {
            t.subtotal += l.amount;
        } else {
            if (l.unitAmount < 0)
                return {};
            t.subtotal += l.unitAmount * l.quantity;
        }
    }
    // No discounts or tax rates are put on a one-off invoice here: the total is the subtotal.
    t.total = t.subtotal;
    t.known = true;
    return t;
}

QList<PriceChoice> oneTimePrices(sql::Database &db, const QString &currency)
{
    QList<PriceChoice> out;
    sql::Statement s = db.prepare(QStringLiteral(
        "SELECT p.id, coalesce(pr.name, p.product, p.id), p.unit_amount, p.currency, p.nickname "
        "FROM prices p LEFT JOIN products pr ON pr.id = p.product WHERE p.deleted = 0 AND "
        "coalesce(p.active, 1) = 1 AND p.type = 'one_time' AND (coalesce(?1, '') = '' OR "
        "p.currency = ?1) AND "
        "p.unit_amount IS NOT NULL ORDER BY p.currency, 2, p.unit_amount, p.id"));
    s.bind(1, currency);
    while (s.step()) {
        const QString name
            = s.text(4).isEmpty() ? s.text(1) : s.text(1) + QStringLiteral(" · ") + s.text(4);
        out.append({s.text(0), s.text(3), s.int64(2),
                    QStringLiteral("%1 · %2").arg(
                        name, Money(s.int64(2), s.text(3)).toString(QLocale()))});
    }
    return out;
}

} // namespace paydesk::models::invoiceplan

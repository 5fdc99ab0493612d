#include "models/views/objectdetail.h"

#include "models/actions/disputeform.h"
#include "models/money.h"
#include "models/payouts/reconciliation.h"
#include "models/views/listtablemodel.h"
#include "models/views/paymentstablemodel.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>

namespace paydesk::models {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("ObjectDetail", text, disambiguation, n);
}

QString money(qint64 amount, const QString &currency)
{
    return Money(amount, currency).toLabelledString();
}

QString date(qint64 unixTime)
{
    if (unixTime <= 0)
        return {};
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(unixTime), QLocale::ShortFormat);
}

// A calendar day in the local short format, for periods.
QString day(qint64 unixTime)
{
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(unixTime).date(), QLocale::ShortFormat);
}

QString capitalised(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

// A row of named columns, read once.
class Row
{
public:
    Row(sql::Database &db, const QString &sql, const QStringList &parameters)
        : m_s(db.prepare(sql))
    {
        for (qsizetype i = 0; i < parameters.size(); ++i)
            m_s.bind(int(i + 1), parameters.at(i));
    }
    bool next() { return m_s.isValid() && m_s.step(); }
    QString text(int c) const { return m_s.text(c); }
    qint64 num(int c) const { return m_s.int64(c); }
    double real(int c) const { return m_s.real(c); }
    bool isNull(int c) const { return m_s.isNull(c); }

private:
    sql::Statement m_s;
};

void addIf(DetailSection &section, const QString &label, const QString &value,
           const QString &link = {})
{
    if (!value.isEmpty())
        section.fields.append({label, value, link});
}

DetailSection metadataSection(const QJsonObject &object)
{
    DetailSection section {tr("Metadata"), {}};
    const QJsonObject metadata = object.value(QStringLiteral("metadata")).toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        section.fields.append({it.key(), it.value().toString(), {}});
    if (section.fields.isEmpty())
        section.fields.append({QString(), tr("No metadata"), {}});
    return section;
}

// The latest invoices of a customer or subscription (`column` = its id), linked.
QList<DetailField> invoiceFields(sql::Database &db, const char *column, const QString &id,
                                 int limit)
{
    QList<DetailField> fields;
    Row inv(db,
            QStringLiteral("SELECT id, number, total, currency, status, created FROM invoices "
                           "WHERE %1 = ?1 AND deleted = 0 ORDER BY created DESC, id DESC LIMIT %2")
                .arg(QString::fromLatin1(column))
                .arg(limit),
            {id});
    while (inv.next())
        fields.append(
            {date(inv.num(5)),
             QStringLiteral("%1 · %2 · %3")
                 .arg(inv.text(1).isEmpty() ? inv.text(0) : inv.text(1),
                      money(inv.num(2), inv.text(3)), ListTableModel::statusLabel(inv.text(4))),
             QStringLiteral("invoices/") + inv.text(0)});
    return fields;
}

// "1 EUR = 1.0853 USD": Stripe's rate per whole unit of the presentment currency.
QString exchangeRateText(double rate, const QString &from, const QString &to)
{
    return QStringLiteral("1 %1 = %2 %3")
        .arg(from.toUpper(), Money::displayLocale().toString(rate, 'g', 6), to.toUpper());
}

// What a payment settled as and what the merchant keeps: the charge's balance transaction
// (amount converted into the settlement currency, at its exchange rate, less the fee) and every
// balance transaction of its refunds and disputes since. Net is their sum, as in the Stripe
// Dashboard's payment breakdown, not the charge's amount less its fee.
void settlementFields(sql::Database &db, DetailSection &summary, const QString &charge,
                      const QString &chargeTxn, qint64 amount, const QString &currency)
{
    if (chargeTxn.isEmpty())
        return; // Failed, pending or uncaptured: nothing moved.
    Row bt(db,
           QStringLiteral(
               "SELECT 0, amount, fee, net, currency, exchange_rate, available_on FROM "
               "balance_transactions WHERE id = ?2 AND deleted = 0 UNION ALL SELECT 1, b.amount, "
               "b.fee, b.net, b.currency, NULL, NULL FROM refunds r JOIN balance_transactions b ON "
               "b.source = r.id AND b.deleted = 0 WHERE r.charge = ?1 AND r.deleted = 0 UNION ALL "
               "SELECT 2, b.amount, b.fee, b.net, b.currency, NULL, NULL FROM disputes p JOIN "
               "balance_transactions b ON b.source = p.id AND b.deleted = 0 WHERE p.charge = ?1 "
               "AND p.deleted = 0"),
           {charge, chargeTxn});
    bool haveCharge = false;
    QString settlement;
    qint64 converted = 0, fee = 0, refunds = 0, disputes = 0, net = 0;
    double rate = 0;
    qint64 availableOn = 0;
    bool mixed = false;
    while (bt.next()) {
        const int kind = int(bt.num(0));
        if (settlement.isEmpty())
            settlement = bt.text(4);
        else if (bt.text(4) != settlement)
            mixed = true;
        net += bt.num(3);
        if (kind == 0) {
            haveCharge = true;
            converted = bt.num(1);
            fee += bt.num(2);
            rate = bt.isNull(5) ? 0.0 : bt.text(5).toDouble();
            availableOn = bt.num(6);
        } else if (kind == 1) {
            refunds += bt.num(1);
            fee += bt.num(2);
        } else {
            disputes += bt.num(1);
            fee += bt.num(2);
        }
    }
    if (!haveCharge) {
        addIf(summary, tr("Fee"), tr("not synced yet"));
        return;
    }
    if (mixed) {
        // Settled in more than one currency: no single net to show without a rate.
        addIf(summary, tr("Net"), tr("settled in several currencies; see the balance"));
        return;
    }
    if (settlement != currency) {
        addIf(summary, tr("Converted"), money(converted, settlement));
        if (rate > 0)
            addIf(summary, tr("Exchange rate"), exchangeRateText(rate, currency, settlement));
    } else if (converted != amount) {
        addIf(summary, tr("Settled"), money(converted, settlement));
    }
    addIf(summary, tr("Fee"), money(fee, settlement));
    if (refunds != 0)
        addIf(summary, tr("Refunds"), money(refunds, settlement));
    if (disputes != 0)
        addIf(summary, tr("Disputes"), money(disputes, settlement));
    // A refund that moved money Stripe has reported but this cache has not synced yet.
    Row missing(db,
                QStringLiteral("SELECT count(*) FROM refunds r WHERE r.charge = ?1 AND r.deleted = "
                               "0 AND r.balance_transaction IS NOT NULL AND NOT EXISTS (SELECT 1 "
                               "FROM balance_transactions b WHERE b.id = r.balance_transaction)"),
                {charge});
    QString netText = money(net, settlement);
    if (missing.next() && missing.num(0) > 0)
        netText += u' ' + tr("(%n refund(s) not synced yet)", nullptr, int(missing.num(0)));
    addIf(summary, tr("Net"), netText);
    addIf(summary, tr("Available on"), date(availableOn));
}

void loadCharge(sql::Database &db, ObjectDetail &d, const QJsonObject &raw)
{
    Row c(db,
          QStringLiteral(
              "SELECT amount, currency, status, amount_refunded, refunded, disputed, description, "
              "customer, created, failure_code, failure_message, outcome_reason, seller_message, "
              "risk_level, risk_score, card_brand, card_last4, card_exp_month, card_exp_year, "
              "card_country, card_funding, card_wallet, pm_type, balance_transaction, "
              "receipt_email, billing_name, billing_email, payment_intent, statement_descriptor, "
              "(SELECT coalesce(email, name) FROM customers WHERE id = charges.customer) "
              "FROM charges WHERE id = ?1"),
          {d.id});
    if (!c.next())
        return;
    const QString currency = c.text(1);
    const qint64 amount = c.num(0), refunded = c.num(3);
    const QString status = c.num(5) ? QStringLiteral("disputed")
        : c.num(4)                  ? QStringLiteral("refunded")
        : refunded > 0              ? QStringLiteral("partially_refunded")
                                    : c.text(2);
    d.title = money(amount, currency);
    d.subtitle = c.text(6).isEmpty() ? tr("Payment") : tr("Payment · %1").arg(c.text(6));
    d.status = status;
    d.statusText = PaymentsTableModel::statusLabel(status);

    DetailSection summary {tr("Summary"), {}};
    addIf(summary, tr("Amount"), money(amount, currency));
    if (refunded > 0)
        addIf(summary, tr("Refunded"), money(refunded, currency));
    settlementFields(db, summary, d.id, c.text(23), amount, currency);
    addIf(summary, tr("Description"), c.text(6));
    addIf(summary, tr("Statement descriptor"), c.text(28));
    addIf(summary, tr("Payment intent"), c.text(27));
    d.sections.append(summary);

    DetailSection timeline {tr("Timeline"), {}};
    timeline.fields.append({date(c.num(8)), tr("Payment created"), {}});
    if (c.text(2) == QLatin1String("succeeded"))
        timeline.fields.append({date(c.num(8)), tr("Payment succeeded"), {}});
    else if (c.text(2) == QLatin1String("failed")) {
        QString reason = c.text(10);
        if (!c.text(9).isEmpty())
            reason += QStringLiteral(" (%1)").arg(c.text(9));
        if (!c.text(11).isEmpty())
            reason += QStringLiteral(" — %1").arg(c.text(11));
        timeline.fields.append({date(c.num(8)), tr("Payment failed: %1").arg(reason), {}});
    }
    Row refunds(db,
                QStringLiteral("SELECT id, created, amount, currency, status, reason FROM refunds "
                               "WHERE charge = ?1 AND deleted = 0 ORDER BY created, id"),
                {d.id});
    while (refunds.next()) {
        QString text = tr("Refund of %1").arg(money(refunds.num(2), refunds.text(3)));
        if (!refunds.text(5).isEmpty())
            text += u' ' + tr("(%1)").arg(ListTableModel::statusLabel(refunds.text(5)).toLower());
        if (refunds.text(4) != QLatin1String("succeeded"))
            text += QStringLiteral(" — ") + ListTableModel::statusLabel(refunds.text(4));
        timeline.fields.append(
            {date(refunds.num(1)), text, QStringLiteral("refunds/") + refunds.text(0)});
    }
    Row disputes(db,
                 QStringLiteral("SELECT id, created, amount, currency, status, reason, due_by, "
                                "raw FROM disputes WHERE charge = ?1 AND deleted = 0 ORDER BY "
                                "created, id"),
                 {d.id});
    while (disputes.next()) {
        QString text = tr("Dispute of %1 (%2): %3")
                           .arg(money(disputes.num(2), disputes.text(3)),
                                ListTableModel::statusLabel(disputes.text(5)).toLower(),
                                ListTableModel::statusLabel(disputes.text(4)));
        if (!disputes.isNull(6))
            text += u' ' + tr("— respond by %1").arg(date(disputes.num(6)));
        timeline.fields.append(
            {date(disputes.num(1)), text, QStringLiteral("disputes/") + disputes.text(0)});
        // The money the dispute moved: funds withdrawn (with the dispute fee), reinstated.
        const QJsonArray moves = QJsonDocument::fromJson(disputes.text(7).toUtf8())
                                     .object()
                                     .value(QStringLiteral("balance_transactions"))
                                     .toArray();
        for (const QJsonValue &move : moves) {
            const QJsonObject bt = move.toObject();
            const qint64 amount = bt.value(QStringLiteral("amount")).toInteger();
            const qint64 fee = bt.value(QStringLiteral("fee")).toInteger();
            const QString currency = bt.value(QStringLiteral("currency")).toString();
            QString what = amount < 0 ? tr("Dispute: %1 withdrawn").arg(money(-amount, currency))
                                      : tr("Dispute: %1 reinstated").arg(money(amount, currency));
            if (fee != 0)
                what += u' ' + tr("(fee %1)").arg(money(fee, currency));
            timeline.fields.append(
                {date(bt.value(QStringLiteral("created")).toInteger()), what, {}});
        }
    }
    d.sections.append(timeline);

    DetailSection method {tr("Payment method"), {}};
    if (!c.text(16).isEmpty()) {
        addIf(method, tr("Card"), capitalised(c.text(15)) + QStringLiteral(" •••• ") + c.text(16));
        if (!c.isNull(17))
            addIf(method, tr("Expires"),
                  QStringLiteral("%1 / %2").arg(c.num(17), 2, 10, QLatin1Char('0')).arg(c.num(18)));
        addIf(method, tr("Country"), c.text(19));
        addIf(method, tr("Funding"), capitalised(c.text(20)));
        addIf(method, tr("Wallet"), ListTableModel::statusLabel(c.text(21)));
    } else {
        addIf(method, tr("Type"), ListTableModel::statusLabel(c.text(22)));
    }
    addIf(method, tr("Name"), c.text(25));
    addIf(method, tr("Email"), c.text(26));
    d.sections.append(method);

    DetailSection risk {tr("Risk"), {}};
    addIf(risk, tr("Radar risk level"), ListTableModel::statusLabel(c.text(13)));
    if (!c.isNull(14))
        addIf(risk, tr("Radar score"), QString::number(c.num(14)));
    addIf(risk, tr("Outcome"), c.text(12));
    // Radar: the card network's early fraud warnings and the review Radar held it for.
    Row efw(db,
            QStringLiteral("SELECT created, fraud_type, actionable FROM early_fraud_warnings "
                           "WHERE charge = ?1 AND deleted = 0 ORDER BY created"),
            {d.id});
    while (efw.next())
        risk.fields.append({tr("Early fraud warning"),
                            tr("%1 · reported %2 · %3")
                                .arg(ListTableModel::statusLabel(efw.text(1)), date(efw.num(0)),
                                     efw.num(2) ? tr("actionable: refund it to avoid a dispute")
                                                : tr("no longer actionable")),
                            {}});
    Row review(db,
               QStringLiteral("SELECT created, open, reason, opened_reason FROM reviews WHERE "
                              "charge = ?1 AND deleted = 0 ORDER BY created DESC LIMIT 1"),
               {d.id});
    if (review.next())
        risk.fields.append(
            {tr("Review"),
             review.num(1)
                 ? tr("Open since %1 (%2)")
                       .arg(date(review.num(0)),
                            review.text(3) == QLatin1String("manual") ? tr("placed by hand")
                                                                      : tr("a Radar rule held it"))
                 : tr("Closed · %1").arg(ListTableModel::statusLabel(review.text(2))),
             {}});
    if (!risk.fields.isEmpty())
        d.sections.append(risk);

    DetailSection customer {tr("Customer"), {}};
    if (!c.text(7).isEmpty())
        addIf(customer, tr("Customer"), c.text(29).isEmpty() ? c.text(7) : c.text(29),
              QStringLiteral("customers/") + c.text(7));
    addIf(customer, tr("Receipt sent to"), c.text(24));
    addIf(customer, tr("Receipt"), raw.value(QStringLiteral("receipt_url")).toString());
    if (!customer.fields.isEmpty())
        d.sections.append(customer);
}

void loadCustomer(sql::Database &db, ObjectDetail &d)
{
    Row c(db,
          QStringLiteral("SELECT name, email, phone, description, address_country, created, "
                         "balance, currency, delinquent, tax_exempt FROM customers WHERE id = ?1"),
          {d.id});
    if (!c.next())
        return;
    d.title = c.text(0).isEmpty() ? (c.text(1).isEmpty() ? d.id : c.text(1)) : c.text(0);
    d.subtitle = c.text(1).isEmpty() ? tr("Customer") : tr("Customer · %1").arg(c.text(1));
    if (c.num(8)) {
        d.status = QStringLiteral("delinquent");
        d.statusText = tr("Delinquent");
    }
    DetailSection profile {tr("Profile"), {}};
    addIf(profile, tr("Name"), c.text(0));
    addIf(profile, tr("Email"), c.text(1));
    addIf(profile, tr("Phone"), c.text(2));
    addIf(profile, tr("Description"), c.text(3));
    addIf(profile, tr("Country"), c.text(4));
    addIf(profile, tr("Customer since"), date(c.num(5)));
    if (c.num(6) != 0 && !c.text(7).isEmpty())
        addIf(profile, tr("Balance"), money(c.num(6), c.text(7)));
    if (c.text(9) != QLatin1String("none"))
        addIf(profile, tr("Tax"), ListTableModel::statusLabel(c.text(9)));
    d.sections.append(profile);

    DetailSection spend {tr("Lifetime spend"), {}};
    Row s(db,
          QStringLiteral("SELECT currency, sum(amount - amount_refunded), count(*) FROM charges "
                         "WHERE customer = ?1 AND deleted = 0 AND status = 'succeeded' GROUP BY "
                         "currency ORDER BY 2 DESC"),
          {d.id});
    while (s.next())
        spend.fields.append(
            {s.text(0).toUpper(),
             tr("%1 in %n payment(s)", nullptr, int(s.num(2))).arg(money(s.num(1), s.text(0))),
             {}});
    if (spend.fields.isEmpty())
        spend.fields.append({QString(), tr("No successful payments"), {}});
    d.sections.append(spend);

    DetailSection payments {tr("Recent payments"), {}};
    Row p(db,
          QStringLiteral("SELECT id, amount, currency, status, created, description FROM charges "
                         "WHERE customer = ?1 AND deleted = 0 ORDER BY created DESC, id DESC "
                         "LIMIT 10"),
          {d.id});
    while (p.next())
        payments.fields.append({date(p.num(4)),
                                QStringLiteral("%1 · %2 · %3")
                                    .arg(money(p.num(1), p.text(2)),
                                         PaymentsTableModel::statusLabel(p.text(3)), p.text(5)),
                                QStringLiteral("charges/") + p.text(0)});
    if (payments.fields.isEmpty())
        payments.fields.append({QString(), tr("No payments"), {}});
    else
        payments.fields.append({QString(), tr("All payments of this customer →"),
                                QStringLiteral("filter/charges/") + d.id});
    d.sections.append(payments);

    DetailSection subscriptions {tr("Subscriptions"), {}};
    Row sub(db,
            QStringLiteral(
                "SELECT s.id, s.status, %1, s.created FROM subscriptions s WHERE s.customer = "
                "?1 AND s.deleted = 0 ORDER BY s.created DESC")
                .arg(ListTableModel::planSql(QStringLiteral("s.id"))),
            {d.id});
    while (sub.next())
        subscriptions.fields.append({ListTableModel::statusLabel(sub.text(1)),
                                     tr("%1 since %2").arg(sub.text(2), date(sub.num(3))),
                                     QStringLiteral("subscriptions/") + sub.text(0)});
    if (subscriptions.fields.isEmpty())
        subscriptions.fields.append({QString(), tr("No subscriptions"), {}});
    else
        subscriptions.fields.append({QString(), tr("All subscriptions of this customer →"),
                                     QStringLiteral("filter/subscriptions/") + d.id});
    d.sections.append(subscriptions);

    DetailSection invoices {tr("Recent invoices"), invoiceFields(db, "customer", d.id, 10)};
    if (!invoices.fields.isEmpty()) {
        invoices.fields.append({QString(), tr("All invoices of this customer →"),
                                QStringLiteral("filter/invoices/") + d.id});
        d.sections.append(invoices);
    }

    DetailSection methods {tr("Payment methods"), {}};
    Row pm(db,
           QStringLiteral("SELECT type, card_brand, card_last4, card_exp_month, card_exp_year, "
                          "card_country FROM payment_methods WHERE customer = ?1 AND deleted = 0 "
                          "ORDER BY created DESC"),
           {d.id});
    while (pm.next()) {
        if (pm.text(2).isEmpty())
            methods.fields.append({ListTableModel::statusLabel(pm.text(0)), QString(), {}});
        else
            methods.fields.append({capitalised(pm.text(1)) + QStringLiteral(" •••• ") + pm.text(2),
                                   tr("expires %1 / %2, %3")
                                       .arg(pm.num(3), 2, 10, QLatin1Char('0'))
                                       .arg(pm.num(4))
                                       .arg(pm.text(5)),
                                   {}});
    }
    if (methods.fields.isEmpty())
        methods.fields.append({QString(), tr("None saved"), {}});
    d.sections.append(methods);
}

void loadSubscription(sql::Database &db, ObjectDetail &d)
{
    Row s(db,
          QStringLiteral(
              "SELECT s.status, s.customer, s.currency, s.current_period_start, "
              "s.current_period_end, s.cancel_at_period_end, s.cancel_at, s.canceled_at, "
              "s.ended_at, s.trial_start, s.trial_end, s.discount_coupon, s.created, "
              "s.collection_method, s.cancellation_reason, (SELECT coalesce(email, name) FROM "
              "customers WHERE id = s.customer), (SELECT coalesce(name, id) FROM coupons WHERE "
              "id = s.discount_coupon), (SELECT percent_off FROM coupons WHERE id = "
              "s.discount_coupon), (SELECT amount_off FROM coupons WHERE id = s.discount_coupon), "
              "(SELECT duration FROM coupons WHERE id = s.discount_coupon) FROM subscriptions s "
              "WHERE s.id = ?1"),
          {d.id});
    if (!s.next())
        return;
    d.status = s.text(0);
    d.statusText = ListTableModel::statusLabel(s.text(0));
    d.subtitle = tr("Subscription");
    DetailSection summary {tr("Subscription"), {}};
    addIf(summary, tr("Customer"), s.text(15).isEmpty() ? s.text(1) : s.text(15),
          QStringLiteral("customers/") + s.text(1));
    addIf(summary, tr("Started"), date(s.num(12)));
    addIf(summary, tr("Current period"),
          QStringLiteral("%1 – %2").arg(date(s.num(3)), date(s.num(4))));
    if (!s.isNull(9))
        addIf(summary, tr("Trial"), QStringLiteral("%1 – %2").arg(date(s.num(9)), date(s.num(10))));
    if (s.num(5))
        addIf(summary, tr("Cancels"), tr("at the end of the period, %1").arg(date(s.num(4))));
    else if (!s.isNull(6))
        addIf(summary, tr("Cancels"), date(s.num(6)));
    if (!s.isNull(7))
        addIf(summary, tr("Canceled"), date(s.num(7)));
    if (!s.isNull(8))
        addIf(summary, tr("Ended"), date(s.num(8)));
    addIf(summary, tr("Cancellation reason"), ListTableModel::statusLabel(s.text(14)));
    addIf(summary, tr("Billing"), ListTableModel::statusLabel(s.text(13)));
    if (!s.text(11).isEmpty()) {
        QString off = !s.isNull(17) ? tr("%1 % off").arg(s.num(17))
            : !s.isNull(18)         ? tr("%1 off").arg(money(s.num(18), s.text(2)))
                                    : QString();
        addIf(summary, tr("Discount"),
              QStringLiteral("%1 (%2, %3)").arg(s.text(16), off, s.text(19)));
    }
    d.sections.append(summary);

    DetailSection items {tr("Items"), {}};
    qint64 total = 0;
    Row it(db,
           QStringLiteral("SELECT coalesce(p.name, si.product, si.price), si.quantity, "
                          "si.unit_amount, si.currency, si.recurring_interval, "
                          "si.recurring_interval_count, si.price FROM subscription_items si "
                          "LEFT JOIN products p ON p.id = si.product WHERE si.subscription = ?1 "
                          "ORDER BY si.rowid"), // As Stripe lists them.
           {d.id});
    while (it.next()) {
        const qint64 count = std::max<qint64>(1, it.num(5));
        const QString every = count > 1 ? tr("every %1 %2s").arg(count).arg(it.text(4))
                                        : tr("per %1").arg(it.text(4));
        items.fields.append(
            {it.text(0),
             tr("%1 × %2 %3").arg(it.num(1)).arg(money(it.num(2), it.text(3)), every),
             {}});
        total += it.num(1) * it.num(2);
    }
    d.title = money(total, s.text(2));
    d.sections.append(items);

    DetailSection invoices {tr("Invoices"), invoiceFields(db, "subscription", d.id, 24)};
    if (invoices.fields.isEmpty())
        invoices.fields.append({QString(), tr("No invoices"), {}});
    d.sections.append(invoices);
}

qint64 sumAmounts(const QJsonObject &object, const QString &key)
{
    qint64 sum = 0;
    for (const QJsonValue &v : object.value(key).toArray())
        sum += v.toObject().value(u"amount"_s).toInteger();
    return sum;
}

// One line of an invoice: what, for when, how many at what price, less its discounts, plus tax.
DetailField invoiceLineField(const QJsonObject &line, const QString &product)
{
    const QString currency = line.value(u"currency"_s).toString();
    const QJsonObject price = line.value(u"price"_s).toObject();
    QString what = line.value(u"description"_s).toString();
    if (what.isEmpty())
        what = product.isEmpty() ? price.value(u"id"_s).toString() : product;
    QStringList parts;
    const QJsonObject period = line.value(u"period"_s).toObject();
    const qint64 start = period.value(u"start"_s).toInteger();
    const qint64 end = period.value(u"end"_s).toInteger();
    if (start > 0 && end > start)
        parts.append(QStringLiteral("%1 – %2").arg(day(start), day(end)));
    else if (start > 0)
        parts.append(day(start));
    const qint64 quantity = line.value(u"quantity"_s).toInteger(1);
    // The unit price: the price's, or (a custom line) the amount per unit Stripe reports.
    QString unit;
    if (price.contains(u"unit_amount"_s) && !price.value(u"unit_amount"_s).isNull())
        unit = money(price.value(u"unit_amount"_s).toInteger(), currency);
    else if (quantity > 0)
        unit = money(line.value(u"amount"_s).toInteger() / quantity, currency);
    parts.append(tr("%1 × %2").arg(quantity).arg(unit));
    parts.append(money(line.value(u"amount"_s).toInteger(), currency));
    const qint64 discount = sumAmounts(line, u"discount_amounts"_s);
    if (discount != 0)
        parts.append(tr("discount −%1").arg(money(discount, currency)));
    const qint64 tax = sumAmounts(line, u"tax_amounts"_s);
    if (tax != 0)
        parts.append(tr("tax %1").arg(money(tax, currency)));
    if (line.value(u"proration"_s).toBool())
        parts.append(tr("proration"));
    return {what, parts.join(QStringLiteral(" · ")), {}};
}

// An invoice as the Stripe Dashboard shows it: every line (all pages, as cached), the totals,
// its status history, each payment attempt and the hosted page and PDF.
void loadInvoice(sql::Database &db, ObjectDetail &d, const QJsonObject &raw)
{
    Row r(db,
          QStringLiteral("SELECT total, currency, status, number, customer, subscription, "
                         "amount_due, amount_paid, amount_remaining, tax, period_start, "
                         "period_end, due_date, created, charge, billing_reason, "
                         "customer_email, subtotal, collection_method, payment_intent, "
                         "(SELECT count(*) FROM invoice_lines l WHERE l.invoice = invoices.id AND "
                         "l.deleted = 0) FROM invoices WHERE id = ?1"),
          {d.id});
    if (!r.next())
        return;
    const QString currency = r.text(1);
    d.title = money(r.num(0), currency);
    d.subtitle = r.text(3).isEmpty() ? tr("Invoice") : tr("Invoice %1").arg(r.text(3));
    d.status = r.text(2);
    d.statusText = ListTableModel::statusLabel(d.status);

    DetailSection summary {tr("Summary"), {}};
    addIf(summary, tr("Customer"), r.text(16).isEmpty() ? r.text(4) : r.text(16),
          QStringLiteral("customers/") + r.text(4));
    addIf(summary, tr("Subscription"), r.text(5), QStringLiteral("subscriptions/") + r.text(5));
    addIf(summary, tr("Billing"),
          r.text(18) == QLatin1String("send_invoice") ? tr("Send invoice")
                                                      : tr("Charge automatically"));
    if (r.num(10) > 0 && r.num(11) > r.num(10))
        addIf(summary, tr("Period"), QStringLiteral("%1 – %2").arg(day(r.num(10)), day(r.num(11))));
    addIf(summary, tr("Due"), date(r.num(12)));
    addIf(summary, tr("Billing reason"), ListTableModel::statusLabel(r.text(15)));
    addIf(summary, tr("Memo"), raw.value(u"description"_s).toString());
    addIf(summary, tr("Footer"), raw.value(u"footer"_s).toString());
    d.sections.append(summary);

    DetailSection lines {tr("Lines (%1)").arg(r.num(20)), {}};
    Row l(db,
          QStringLiteral("SELECT l.raw, p.name FROM invoice_lines l LEFT JOIN prices pr ON pr.id "
                         "= l.price LEFT JOIN products p ON p.id = pr.product WHERE l.invoice = ?1 "
                         "AND l.deleted = 0 ORDER BY l.rowid"), // As Stripe lists them.
          {d.id});
    while (l.next())
        lines.fields.append(
            invoiceLineField(QJsonDocument::fromJson(l.text(0).toUtf8()).object(), l.text(1)));
    if (lines.fields.isEmpty())
        lines.fields.append({QString(), tr("No lines"), {}});
    d.sections.append(lines);

    DetailSection totals {tr("Totals"), {}};
    addIf(totals, tr("Subtotal"), money(r.num(17), currency));
    const qint64 discounts = sumAmounts(raw, u"total_discount_amounts"_s);
    if (discounts != 0)
        addIf(totals, tr("Discounts"), u'−' + money(discounts, currency));
    const qint64 tax = r.isNull(9) ? sumAmounts(raw, u"total_tax_amounts"_s) : r.num(9);
    if (tax != 0)
        addIf(totals, tr("Tax"), money(tax, currency));
    addIf(totals, tr("Total"), money(r.num(0), currency));
    if (r.num(6) != r.num(0))
        addIf(totals, tr("Amount due"), money(r.num(6), currency));
    addIf(totals, tr("Amount paid"), money(r.num(7), currency));
    addIf(totals, tr("Amount remaining"), money(r.num(8), currency));
    if (raw.value(u"paid_out_of_band"_s).toBool())
        addIf(totals, tr("Paid"), tr("outside Stripe"));
    d.sections.append(totals);

    DetailSection history {tr("Status history"), {}};
    history.fields.append({date(r.num(13)), tr("Created as a draft"), {}});
    const QJsonObject transitions = raw.value(u"status_transitions"_s).toObject();
    const QList<std::pair<const char16_t *, QString>> steps {
        {u"finalized_at", tr("Finalized")},
        {u"marked_uncollectible_at", tr("Marked uncollectible")},
        {u"paid_at", tr("Paid")},
        {u"voided_at", tr("Voided")}};
    QList<std::pair<qint64, QString>> stamped;
    for (const auto &[key, what] : steps) {
        const qint64 at = transitions.value(QString::fromUtf16(key)).toInteger();
        if (at > 0)
            stamped.append({at, what});
    }
    std::stable_sort(stamped.begin(), stamped.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[at, what] : stamped)
        history.fields.append({date(at), what, {}});
    d.sections.append(history);

    // Its payment attempts: the charges of its payment intent, and its charge.
    DetailSection attempts {tr("Payment attempts"), {}};
    Row c(db,
          QStringLiteral("SELECT id, amount, currency, status, created, failure_message, "
                         "failure_code FROM charges WHERE deleted = 0 AND ((?1 <> '' AND "
                         "payment_intent = ?1) OR id = ?2) ORDER BY created, id"),
          {r.text(19), r.text(14)});
    while (c.next()) {
        QString text = QStringLiteral("%1 · %2").arg(money(c.num(1), c.text(2)),
                                                     PaymentsTableModel::statusLabel(c.text(3)));
        if (!c.text(5).isEmpty())
            text += QStringLiteral(" — ") + c.text(5);
        else if (!c.text(6).isEmpty())
            text += QStringLiteral(" — ") + c.text(6);
        attempts.fields.append({date(c.num(4)), text, QStringLiteral("charges/") + c.text(0)});
    }
    if (attempts.fields.isEmpty())
        attempts.fields.append(
            {QString(),
             r.num(7) > 0 ? tr("None in Stripe (paid outside Stripe)") : tr("None yet"),
             {}});
    d.sections.append(attempts);

    DetailSection links {tr("Links"), {}};
    const QString hosted = raw.value(u"hosted_invoice_url"_s).toString();
    const QString pdf = raw.value(u"invoice_pdf"_s).toString();
    if (hosted.startsWith(QLatin1String("https://")))
        links.fields.append({tr("Invoice page"), tr("Open the hosted invoice page ↗"), hosted});
    if (pdf.startsWith(QLatin1String("https://")))
        links.fields.append({tr("PDF"), tr("Download the invoice PDF ↗"), pdf});
    if (!links.fields.isEmpty())
        d.sections.append(links);
}

// A dispute as the Stripe Dashboard shows it: what the bank said (reason and the network's
// code), the money withdrawn with the fee, the deadline and time left, the charge and customer,
// the evidence on it and its details, what Stripe's guidance asks for the reason, and the status
// history from the events synced.
void loadDispute(sql::Database &db, ObjectDetail &d, const QJsonObject &raw)
{
    Row r(db,
          QStringLiteral("SELECT d.amount, d.currency, d.status, d.reason, d.charge, d.due_by, "
                         "d.created, d.is_charge_refundable, c.customer, coalesce(cu.name, "
                         "cu.email, c.customer) FROM disputes d LEFT JOIN charges c ON c.id = "
                         "d.charge LEFT JOIN customers cu ON cu.id = c.customer WHERE d.id = ?1"),
          {d.id});
    if (!r.next())
        return;
    const QString status = r.text(2);
    const disputeform::Guidance guidance = disputeform::guidanceFor(r.text(3));
    d.title = money(r.num(0), r.text(1));
    d.subtitle = tr("Dispute · %1").arg(guidance.title);
    d.status = status;
    d.statusText = ListTableModel::statusLabel(status);
    DetailSection summary {tr("Summary"), {}};
    addIf(summary, tr("Reason"), guidance.title);
    const QJsonObject card
        = raw.value(u"payment_method_details"_s).toObject().value(u"card"_s).toObject();
    const QString code = card.value(u"network_reason_code"_s).toString();
    const QString brand = card.value(u"brand"_s).toString();
    addIf(summary, tr("Network reason code"),
          brand.isEmpty() || code.isEmpty() ? code : u"%1 %2"_s.arg(capitalised(brand), code));
    addIf(summary, tr("Payment"), r.text(4), QStringLiteral("charges/") + r.text(4));
    addIf(summary, tr("Customer"), r.text(9),
          r.text(8).isEmpty() ? QString() : QStringLiteral("customers/") + r.text(8));
    addIf(summary, tr("Opened"), date(r.num(6)));
    const bool open = status == QLatin1String("needs_response")
        || status == QLatin1String("warning_needs_response");
    if (!r.isNull(5) && r.num(5) > 0)
        addIf(summary, tr("Respond by"),
              open ? u"%1 (%2)"_s.arg(
                  date(r.num(5)),
                  ListTableModel::timeLeftText(r.num(5), QDateTime::currentSecsSinceEpoch()))
                   : date(r.num(5)));
    addIf(summary, tr("Payment refundable"), r.num(7) ? tr("Yes") : tr("No"));
    d.sections.append(summary);

    // The money: withdrawn with the dispute fee, reinstated if won.
    DetailSection moneySection {tr("Money"), {}};
    qint64 net = 0;
    QString settlement;
    for (const QJsonValue &move : raw.value(u"balance_transactions"_s).toArray()) {
        const QJsonObject bt = move.toObject();
        const qint64 amount = bt.value(u"amount"_s).toInteger();
        const qint64 fee = bt.value(u"fee"_s).toInteger();
        settlement = bt.value(u"currency"_s).toString();
        net += bt.value(u"net"_s).toInteger();
        moneySection.fields.append(
            {date(bt.value(u"created"_s).toInteger()),
             (amount < 0 ? tr("%1 withdrawn").arg(money(-amount, settlement))
                         : tr("%1 reinstated").arg(money(amount, settlement)))
                 + (fee != 0 ? u' ' + tr("· dispute fee %1").arg(money(fee, settlement))
                             : QString()),
             {}});
    }
    if (!settlement.isEmpty())
        moneySection.fields.append({tr("Balance effect"), money(net, settlement), {}});
    else
        moneySection.fields.append({QString(), tr("No funds moved yet"), {}});
    d.sections.append(moneySection);

    // The evidence on the dispute (a draft or what was submitted) and its details.
    DetailSection evidence {tr("Evidence"), {}};
    const QJsonObject details = raw.value(u"evidence_details"_s).toObject();
    const qint64 submissions = details.value(u"submission_count"_s).toInteger();
    evidence.fields.append(
        {tr("Submitted"),
         submissions == 0 ? tr("Not yet") : tr("%n time(s)", nullptr, int(submissions)),
         {}});
    if (details.value(u"past_due"_s).toBool())
        evidence.fields.append(
            {tr("Past due"), tr("The last submission came after the deadline"), {}});
    const QMap<QString, QString> current = disputeform::currentEvidence(raw);
    for (auto it = current.cbegin(); it != current.cend(); ++it)
        evidence.fields.append({disputeform::fieldLabel(it.key()), it.value(), {}});
    if (current.isEmpty())
        evidence.fields.append({QString(), tr("No evidence given yet"), {}});
    d.sections.append(evidence);

    // While it takes a response: what Stripe's guidance asks for.
    DetailSection advice {tr("What to show the bank"), {}};
    advice.fields.append({QString(), guidance.advice, {}});
    QStringList asked;
    for (const QString &f : guidance.fields)
        asked << disputeform::fieldLabel(f)
                + (current.contains(f) ? QStringLiteral(" ✓") : QString());
    advice.fields.append({tr("Evidence asked for"), asked.join(QStringLiteral(", ")), {}});
    if (open)
        d.sections.append(advice);

    // Status history, from the events synced (oldest first); the opening when none.
    DetailSection history {tr("Status history"), {}};
    Row ev(db,
           QStringLiteral("SELECT created, type, json_extract(raw, '$.data.object.status') FROM "
                          "events WHERE object_id = ?1 AND deleted = 0 ORDER BY created, id"),
           {d.id});
    QString last;
    while (ev.next()) {
        const QString type = ev.text(1).section(u'.', -1);
        const QString st = ev.text(2);
        QString text = type == QLatin1String("created") ? tr("Opened")
            : type == QLatin1String("funds_withdrawn")  ? tr("Funds withdrawn")
            : type == QLatin1String("funds_reinstated") ? tr("Funds reinstated")
            : type == QLatin1String("closed")           ? tr("Closed")
                                                        : tr("Updated");
        if (!st.isEmpty() && (st != last || type == QLatin1String("closed")))
            text += u" · "_s + ListTableModel::statusLabel(st);
        else if (type == QLatin1String("updated"))
            continue; // Nothing a person follows changed (evidence saved as a draft).
        last = st.isEmpty() ? last : st;
        history.fields.append({date(ev.num(0)), text, {}});
    }
    if (history.fields.isEmpty())
        history.fields.append(
            {date(r.num(6)), tr("Opened · %1").arg(ListTableModel::statusLabel(status)), {}});
    d.sections.append(history);
}

void loadOther(sql::Database &db, ObjectDetail &d)
{
    DetailSection summary {tr("Summary"), {}};
    if (d.table == QLatin1String("refunds")) {
        Row r(db,
              QStringLiteral("SELECT amount, currency, status, reason, charge, created, "
                             "failure_reason FROM refunds WHERE id = ?1"),
              {d.id});
        if (!r.next())
            return;
        d.title = money(r.num(0), r.text(1));
        d.subtitle = tr("Refund");
        d.status = r.text(2);
        addIf(summary, tr("Payment"), r.text(4), QStringLiteral("charges/") + r.text(4));
        addIf(summary, tr("Reason"), ListTableModel::statusLabel(r.text(3)));
        addIf(summary, tr("Created"), date(r.num(5)));
        addIf(summary, tr("Failure"), ListTableModel::statusLabel(r.text(6)));
    } else if (d.table == QLatin1String("prices")) {
        Row r(db,
              QStringLiteral("SELECT p.unit_amount, p.currency, coalesce(p.active, 1), "
                             "coalesce(pr.name, p.product), p.nickname, p.recurring_interval, "
                             "coalesce(p.recurring_interval_count, 1), p.created, (SELECT count(*) "
                             "FROM subscription_items si JOIN subscriptions s ON s.id = "
                             "si.subscription WHERE si.price = p.id AND s.deleted = 0 AND "
                             "s.status NOT IN ('canceled', 'incomplete_expired')) FROM prices p "
                             "LEFT JOIN products pr ON pr.id = p.product WHERE p.id = ?1"),
              {d.id});
        if (!r.next())
            return;
        d.title = money(r.num(0), r.text(1));
        d.subtitle = tr("Price · %1").arg(r.text(3));
        d.status = r.num(2) ? QStringLiteral("active") : QStringLiteral("archived");
        addIf(summary, tr("Product"), r.text(3));
        addIf(summary, tr("Name"), r.text(4));
        addIf(summary, tr("Billing"),
              r.text(5).isEmpty() ? tr("One-time")
                  : r.num(6) > 1  ? tr("Every %1 %2s").arg(r.num(6)).arg(r.text(5))
                                  : tr("Every %1").arg(r.text(5)));
        addIf(summary, tr("Created"), date(r.num(7)));
        if (!r.text(5).isEmpty())
            addIf(summary, tr("Live subscriptions"), QString::number(r.num(8)));
    } else if (d.table == QLatin1String("coupons")) {
        Row r(db,
              QStringLiteral("SELECT coalesce(name, id), percent_off, amount_off, currency, "
                             "duration, duration_in_months, coalesce(valid, 1), times_redeemed, "
                             "created, (SELECT count(*) FROM subscriptions s WHERE "
                             "s.discount_coupon = c.id AND s.deleted = 0 AND s.status NOT IN "
                             "('canceled', 'incomplete_expired')) FROM coupons c WHERE id = ?1"),
              {d.id});
        if (!r.next())
            return;
        d.title = r.text(0);
        d.subtitle = tr("Coupon");
        d.status = r.num(6) ? QStringLiteral("valid") : QStringLiteral("expired");
        addIf(summary, tr("Takes off"),
              r.text(1).isEmpty() ? money(r.num(2), r.text(3))
                                  : QLocale().toString(r.real(1)) + QStringLiteral(" %"));
        addIf(summary, tr("Duration"),
              r.text(4) == QLatin1String("repeating") ? tr("%1 months").arg(r.num(5)) : r.text(4));
        addIf(summary, tr("Redeemed"), QString::number(r.num(7)));
        addIf(summary, tr("On live subscriptions"), QString::number(r.num(9)));
        addIf(summary, tr("Created"), date(r.num(8)));
    } else {
        return;
    }
    d.statusText = ListTableModel::statusLabel(d.status);
    d.sections.append(summary);
}

// A payout: where it went and when, and its reconciliation — what it paid out, grouped, the
// groups adding up to its amount (or the difference said).
void loadPayout(sql::Database &db, ObjectDetail &d)
{
    const payouts::Reconciliation r = payouts::reconcile(db, d.id, true);
    if (!r.found)
        return;
    d.title = money(r.amount, r.currency);
    d.subtitle = tr("Payout · %1").arg(r.destination);
    d.status = r.status;
    d.statusText = ListTableModel::statusLabel(r.status);
    DetailSection summary {tr("Summary"), {}};
    addIf(summary, tr("Arrives"), day(r.arrival));
    addIf(summary, tr("Initiated"), date(r.created));
    addIf(summary, tr("Method"), ListTableModel::statusLabel(r.method));
    addIf(summary, tr("Bank account"), r.destination);
    if (!r.failureCode.isEmpty())
        addIf(summary, tr("Failure"),
              r.failureMessage.isEmpty() ? ListTableModel::statusLabel(r.failureCode)
                                         : r.failureMessage);
    d.sections.append(summary);
    DetailSection rec {tr("Reconciliation"), {}};
    if (!r.linked) {
        rec.fields.append({tr("Transactions"),
                           tr("Read from Stripe when the payout is opened online; not known yet."),
                           {}});
        d.sections.append(rec);
        return;
    }
    auto line = [&](const payouts::Group &g) {
        return tr("%1 gross − %2 fees = %3 net")
            .arg(money(g.gross, r.currency), money(g.fees, r.currency), money(g.net, r.currency));
    };
    for (const payouts::Group &g : r.groups) {
        if (g.count > 0)
            rec.fields.append({tr("%1 (%2)").arg(g.label).arg(g.count), line(g), {}});
    }
    rec.fields.append({tr("Total (%1)").arg(r.total.count), line(r.total), {}});
    rec.fields.append({tr("Payout amount"), money(r.amount, r.currency), {}});
    rec.fields.append({tr("Check"),
                       r.addsUp() ? tr("Adds up exactly")
                                  : tr("Does not add up: the transactions differ by %1")
                                        .arg(money(r.difference(), r.currency)),
                       {}});
    d.sections.append(rec);
    // The transactions themselves, newest first, each opening what it came from.
    DetailSection txns {tr("Transactions"), {}};
    const int shown = 50;
    for (qsizetype i = r.lines.size() - 1; i >= 0 && txns.fields.size() < shown; --i) {
        const payouts::Line &l = r.lines.at(i);
        const QString table = ObjectDetail::tableForId(l.source);
        txns.fields.append({payouts::groupLabel(l.group) + QStringLiteral(" · ") + day(l.created),
                            tr("%1 (fee %2) · %3")
                                .arg(money(l.net, r.currency), money(l.fee, r.currency), l.source),
                            table.isEmpty() ? QString() : table + u'/' + l.source});
    }
    if (r.lines.size() > shown)
        txns.fields.append(
            {tr("More"),
             tr("%1 more in the CSV export of the reconciliation").arg(r.lines.size() - shown),
             {}});
    d.sections.append(txns);
}

} // namespace

ObjectDetail ObjectDetail::load(sql::Database &db, const QString &table, const QString &id)
{
    ObjectDetail d;
    d.table = table;
    d.id = id;
    static const QStringList known {
        QStringLiteral("charges"),  QStringLiteral("customers"), QStringLiteral("subscriptions"),
        QStringLiteral("disputes"), QStringLiteral("invoices"),  QStringLiteral("refunds"),
        QStringLiteral("prices"),   QStringLiteral("coupons"),   QStringLiteral("payouts")};
    if (!known.contains(table) || !db.isOpen())
        return d;
    {
        sql::Statement s
            = db.prepare(QStringLiteral("SELECT raw FROM %1 WHERE id = ?1").arg(table));
        s.bind(1, id);
        if (!s.step())
            return d;
        d.raw = s.bytes(0);
    }
    d.found = true;
    const QJsonObject raw = QJsonDocument::fromJson(d.raw).object();
    if (table == QLatin1String("charges"))
        loadCharge(db, d, raw);
    else if (table == QLatin1String("customers"))
        loadCustomer(db, d);
    else if (table == QLatin1String("subscriptions"))
        loadSubscription(db, d);
    else if (table == QLatin1String("invoices"))
        loadInvoice(db, d, raw);
    else if (table == QLatin1String("payouts"))
        loadPayout(db, d);
    else if (table == QLatin1String("disputes"))
        loadDispute(db, d, raw);
    else
        loadOther(db, d);
    d.sections.append(metadataSection(raw));
    return d;
}

QString ObjectDetail::dashboardUrl(const QString &table, const QString &id, bool testMode)
{
    QString path;
    if (table == QLatin1String("charges") || table == QLatin1String("refunds"))
        path = QStringLiteral("payments");
    else if (table == QLatin1String("customers") || table == QLatin1String("subscriptions")
             || table == QLatin1String("disputes") || table == QLatin1String("invoices")
             || table == QLatin1String("payouts"))
        path = table;
    else
        return {};
    return QStringLiteral("https://dashboard.stripe.com/")
        + (testMode ? QStringLiteral("test/") : QString()) + path + u'/' + id;
}

QString ObjectDetail::tableForId(const QString &id)
{
    static const QList<std::pair<const char *, const char *>> prefixes {
        {"ch_", "charges"},  {"py_", "charges"},  {"cus_", "customers"}, {"sub_", "subscriptions"},
        {"dp_", "disputes"}, {"du_", "disputes"}, {"in_", "invoices"},   {"re_", "refunds"},
        {"pyr_", "refunds"}, {"po_", "payouts"}};
    for (const auto &[prefix, table] : prefixes) {
        if (id.startsWith(QLatin1String(prefix)))
            return QString::fromLatin1(table);
    }
    return {};
}

} // namespace paydesk::models

#include "models/payouts/reconciliation.h"

#include "models/csv.h"
#include "models/money.h"

#include <QDateTime>
#include <QTimeZone>

namespace paydesk::models::payouts {

using namespace Qt::StringLiterals;

QStringList groupKeys()
{
    return {u"charges"_s, u"refunds"_s, u"disputes"_s, u"fees"_s, u"adjustments"_s};
}

QString groupLabel(const QString &key)
{
    if (key == "charges"_L1)
        return u"Charges"_s;
    if (key == "refunds"_L1)
        return u"Refunds"_s;
    if (key == "disputes"_L1)
        return u"Disputes"_s;
    if (key == "fees"_L1)
        return u"Fees"_s;
    return u"Adjustments"_s;
}

QString groupOf(const QString &category)
{
    // Stripe's reporting categories (balance transaction types are finer and change more).
    if (category == "charge"_L1 || category == "payment"_L1)
        return u"charges"_s;
    if (category == "refund"_L1 || category == "refund_failure"_L1
        || category == "payment_reversal"_L1 || category == "partial_capture_reversal"_L1)
        return u"refunds"_s;
    if (category == "dispute"_L1 || category == "dispute_reversal"_L1)
        return u"disputes"_s;
    if (category == "fee"_L1 || category == "platform_earning"_L1
        || category == "platform_earning_refund"_L1 || category == "tax"_L1)
        return u"fees"_s;
    return u"adjustments"_s;
}

Reconciliation reconcile(sql::Database &db, const QString &payout, bool withLines)
{
    Reconciliation r;
    r.payout = payout;
    for (const QString &k : groupKeys())
        r.groups.append({k, groupLabel(k)});
    r.total = {u"total"_s, u"Total"_s};
    sql::Statement p = db.prepare(
        u"SELECT p.amount, p.currency, p.status, p.method, p.failure_code, p.failure_message, "
        "p.created, p.arrival_date, b.bank_name, b.last4, p.destination, "
        "EXISTS (SELECT 1 FROM payout_links l WHERE l.payout = p.id) FROM payouts p "
        "LEFT JOIN bank_accounts b ON b.id = p.destination WHERE p.id = ?1 AND p.deleted = 0"_s);
    p.bind(1, payout);
    if (!p.step())
        return r;
    r.found = true;
    r.amount = p.int64(0);
    r.currency = p.text(1);
    r.status = p.text(2);
    r.method = p.text(3);
    r.failureCode = p.text(4);
    r.failureMessage = p.text(5);
    r.created = p.int64(6);
    r.arrival = p.int64(7);
    r.destination = p.isNull(9) ? p.text(10) : p.text(8) + u" ••"_s + p.text(9);
    r.linked = p.int64(11) != 0;
    if (!r.linked)
        return r;
    sql::Statement t = db.prepare(
        u"SELECT t.id, t.type, t.reporting_category, t.source, json_extract(t.raw, "
        "'$.description'), t.created, t.available_on, t.amount, t.fee, t.net FROM payout_items i "
        "JOIN balance_transactions t ON t.id = i.txn WHERE i.payout = ?1 "
        "ORDER BY t.created, t.id"_s);
    t.bind(1, payout);
    while (t.step()) {
        Line l {t.text(0),  groupOf(t.text(2)), t.text(1),  t.text(3),  t.text(4),
                t.int64(5), t.int64(6),         t.int64(7), t.int64(8), t.int64(9)};
        if (l.type == "payout"_L1 && l.source == payout) {
            r.ownTransaction += l.net;
            continue;
        }
        Group &g = r.groups[groupKeys().indexOf(l.group)];
        for (Group *sum : {&g, &r.total}) {
            ++sum->count;
            sum->gross += l.amount;
            sum->fees += l.fee;
            sum->net += l.net;
        }
        if (withLines)
            r.lines.append(l);
    }
    return r;
}

QStringList payoutsArriving(sql::Database &db, qint64 from, qint64 to)
{
    sql::Statement s
        = db.prepare(u"SELECT id FROM payouts WHERE deleted = 0 AND arrival_date >= ?1 "
                     "AND arrival_date < ?2 ORDER BY arrival_date, created, id"_s);
    s.bind(1, from);
    s.bind(2, to);
    QStringList ids;
    while (s.step())
        ids.append(s.text(0));
    return ids;
}

QStringList unlinked(sql::Database &db, const QStringList &payouts)
{
    sql::Statement s = db.prepare(u"SELECT 1 FROM payout_links WHERE payout = ?1"_s);
    QStringList out;
    for (const QString &id : payouts) {
        s.reset();
        s.bind(1, id);
        if (!s.step())
            out.append(id);
    }
    return out;
}

namespace {

QString row(const QStringList &fields)
{
    return csv::row(fields) + u"\r\n"_s;
}

} // namespace

QString toCsv(const Reconciliation &r)
{
    auto money = [&r](qint64 v) {
        return Money(v, r.currency).toDecimalString();
    };
    auto day = [](qint64 t) {
        return t <= 0 ? QString()
                      : QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()).toString(Qt::ISODate);
    };
    const QString currency = r.currency.toUpper();
    QString out = row({u"payout"_s, u"balance_transaction"_s, u"group"_s, u"type"_s, u"source"_s,
                       u"description"_s, u"created_utc"_s, u"available_on_utc"_s, u"currency"_s,
                       u"gross"_s, u"fee"_s, u"net"_s});
    for (const Line &l : r.lines)
        out += row({r.payout, l.id, l.group, l.type, l.source, l.description, day(l.created),
                    day(l.availableOn), currency, money(l.amount), money(l.fee), money(l.net)});
    for (const Group &g : r.groups)
        out += row({r.payout, QString(), g.key, u"group"_s, QString(),
                    u"%1 transactions"_s.arg(g.count), QString(), QString(), currency,
                    money(g.gross), money(g.fees), money(g.net)});
    out += row({r.payout, QString(), u"total"_s, u"total"_s, QString(),
                u"%1 transactions"_s.arg(r.total.count), QString(), QString(), currency,
                money(r.total.gross), money(r.total.fees), money(r.total.net)});
    out += row({r.payout, QString(), u"payout"_s, u"payout"_s, QString(),
                r.addsUp() ? u"adds up"_s : u"differs by %1"_s.arg(money(r.difference())),
                day(r.created), day(r.arrival), currency, QString(), QString(), money(r.amount)});
    return out;
}

} // namespace paydesk::models::payouts

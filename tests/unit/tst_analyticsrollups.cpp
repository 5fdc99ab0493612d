#include "models/analytics/analytics.h"
#include "models/store/cache.h"
#include "tests/support/democache.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace paydesk::models;
using namespace paydesk::models::analytics;

// The rollups of schema 6 against the rows they summarise, on the demo merchant: every range,
// interval and currency gives the same numbers from both — before and after charges and balance
// transactions are inserted, updated (refunded, failed, moved), marked deleted and deleted.
class TestAnalyticsRollups final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Cache m_cache;
    static constexpr qint64 kNow = 1763800000;

    static QString describe(const Breakdown &b)
    {
        return QStringLiteral("%1:%2/%3").arg(b.key).arg(b.succeeded).arg(b.failed);
    }
    static QStringList describe(const QList<Breakdown> &list)
    {
        QStringList out;
        for (const Breakdown &b : list)
            out.append(describe(b));
        out.sort();
        return out;
    }
    static QStringList describe(const QList<RevenueRow> &rows)
    {
        QStringList out;
        for (const RevenueRow &r : rows)
            out.append(QStringLiteral("%1 %2 %3 %4 %5 %6")
                           .arg(r.bucket, r.currency)
                           .arg(r.gross)
                           .arg(r.charges)
                           .arg(r.refunds)
                           .arg(r.disputesLost));
        out.sort();
        return out;
    }
    static QStringList describe(const QList<SettlementRow> &rows)
    {
        QStringList out;
        for (const SettlementRow &r : rows)
            out.append(QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8")
                           .arg(r.bucket, r.currency)
                           .arg(r.gross)
                           .arg(r.refunds)
                           .arg(r.disputes)
                           .arg(r.fees)
                           .arg(r.other)
                           .arg(r.net));
        out.sort();
        return out;
    }
    void compareAll()
    {
        sql::Database &db = m_cache.database();
        const qint64 day = 86400;
        const qint64 end = (kNow / day + 1) * day;
        const QList<Range> ranges = {
            {end - 30 * day, end, Interval::Day, {}},
            {end - 90 * day, end, Interval::Week, QStringLiteral("usd")},
            {end - 730 * day, end, Interval::Month, {}},
            {end - 400 * day, end - 200 * day, Interval::Month, QStringLiteral("eur")},
            {end - 60 * day, end - 30 * day, Interval::Day, QStringLiteral("jpy")},
        };
        for (const Range &r : ranges) {
            const QString where = QStringLiteral("%1..%2 %3").arg(r.from).arg(r.to).arg(r.currency);
            QCOMPARE(describe(revenue(db, r)), describe(revenueFromRows(db, r)));
            QCOMPARE(describe(settlement(db, r)), describe(settlementFromRows(db, r)));
            QVERIFY2(describe(payments(db, r)) == describe(paymentsFromRows(db, r)),
                     qPrintable(where));
            if (r.interval != Interval::Month)
                continue;
            // Read at kNow (its month not over: the subscriptions then), at a month's last
            // second, and long after (every month billed).
            for (const qint64 asOf : {kNow, (end - 730 * day) + 40 * day, kNow + 800 * day}) {
                Range at = r;
                at.asOf = asOf;
                QCOMPARE(describe(mrrHistory(db, at)), describe(mrrHistoryFromRows(db, at)));
            }
        }
        // Read now (asOf 0, the fold's own month): its current month from customer_now.
        for (const QString &currency : {QString(), QStringLiteral("usd")}) {
            const Range live = liveRange(currency);
            QCOMPARE(describe(mrrHistory(db, live)), describe(mrrHistoryFromRows(db, live)));
        }
        for (const qint64 at : {kNow, kNow - 200 * day, kNow + 400 * day})
            for (const QString &currency : {QString(), QStringLiteral("usd")})
                QCOMPARE(describe(mrr(db, at, currency)), describe(mrrFromRows(db, at, currency)));
    }
    // Two years up to today, read as of now (the clock the fold keeps customer_now at).
    static Range liveRange(const QString &currency = {})
    {
        const QDate today = QDateTime::currentDateTimeUtc().date();
        return {QDate(today.year(), today.month(), 1)
                    .addMonths(-23)
                    .startOfDay(QTimeZone::utc())
                    .toSecsSinceEpoch(),
                today.addDays(1).startOfDay(QTimeZone::utc()).toSecsSinceEpoch(), Interval::Month,
                currency};
    }
    static QStringList describe(const MrrHistory &h)
    {
        QStringList out;
        for (const MrrMonth &m : h.months)
            out.append(QStringLiteral("%1 %2: %3 %4 | %5 %6 %7 %8 %9 | %10 %11 %12 %13 %14")
                           .arg(m.bucket, m.currency)
                           .arg(m.startMrr)
                           .arg(m.mrr)
                           .arg(m.newMrr)
                           .arg(m.expansion)
                           .arg(m.contraction)
                           .arg(m.churn)
                           .arg(m.reactivation)
                           .arg(m.startCustomers)
                           .arg(m.customers)
                           .arg(m.newCustomers)
                           .arg(m.churnedCustomers)
                           .arg(m.reactivatedCustomers));
        for (const CohortRow &c : h.cohorts) {
            QStringList cells;
            for (qsizetype j = 0; j < c.paying.size(); ++j)
                cells.append(QStringLiteral("%1/%2").arg(c.paying.at(j)).arg(c.mrr.value(j)));
            out.append(QStringLiteral("cohort %1 %2: %3 %4 [%5]")
                           .arg(c.cohort, c.currency)
                           .arg(c.customers)
                           .arg(c.startMrr)
                           .arg(cells.join(u' ')));
        }
        return out;
    }
    // Everything payment analytics answer, as comparable lines.
    static QStringList describe(const PaymentStats &p)
    {
        auto ratio = [](const Ratio &r) {
            return QStringLiteral("%1/%2").arg(r.numerator).arg(r.denominator);
        };
        QStringList out
            = {QStringLiteral("succeeded %1 failed %2").arg(p.succeeded).arg(p.failed),
               QStringLiteral("refunds ") + ratio(p.refundRate),
               QStringLiteral("disputes ") + ratio(p.disputeRate),
               QStringLiteral("new %1 returning %2").arg(p.newCustomers).arg(p.returningCustomers)};
        for (auto it = p.averageValue.cbegin(); it != p.averageValue.cend(); ++it)
            out.append(QStringLiteral("average %1 %2").arg(it.key()).arg(it.value()));
        for (auto it = p.riskLevels.cbegin(); it != p.riskLevels.cend(); ++it)
            out.append(QStringLiteral("risk %1 %2").arg(it.key()).arg(it.value()));
        const std::pair<const char *, const QList<Breakdown> *> lists[] = {
            {"decline", &p.declines},  {"brand", &p.byBrand},   {"country", &p.byCountry},
            {"funding", &p.byFunding}, {"method", &p.byMethod},
        };
        for (const auto &[name, list] : lists)
            for (const QString &b : describe(*list))
                out.append(QLatin1String(name) + u' ' + b);
        QStringList hours;
        for (const qint64 h : p.hourOfWeek)
            hours.append(QString::number(h));
        out.append(QStringLiteral("hours ") + hours.join(u','));
        return out;
    }
    static QStringList describe(const QList<MrrRow> &rows)
    {
        QStringList out;
        for (const MrrRow &r : rows)
            out.append(QStringLiteral("%1 %2 %3 %4")
                           .arg(r.currency)
                           .arg(r.mrr)
                           .arg(r.subscriptions)
                           .arg(r.customers));
        return out;
    }
    qint64 pending()
    {
        return m_cache.database().scalar(
            QStringLiteral("SELECT (SELECT count(*) FROM sub_dirty) + (SELECT count(*) FROM "
                           "mrr_dirty)"));
    }

private Q_SLOTS:
    void initTestCase();
    void rollupsEqualTheRows();
    void afterUpdatesAndDeletions();
    void unalignedRangesReadTheRows();
    void mrrRollupsFollowSubscriptions();
    void mrrRollupsAreWhatIsRead();
    void timeZonesBucketTheRows_data();
    void timeZonesBucketTheRows();
};

void TestAnalyticsRollups::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString file = m_dir.filePath(QStringLiteral("rollups.sqlite"));
    QVERIFY(paydesk::testsupport::fillDemoCache(file, 3000, kNow) > 0);
    QVERIFY(m_cache.open(file));
    QVERIFY(m_cache.database().scalar(QStringLiteral("SELECT count(*) FROM charge_hours")) > 0);
}

void TestAnalyticsRollups::rollupsEqualTheRows()
{
    compareAll();
}

void TestAnalyticsRollups::afterUpdatesAndDeletions()
{
    sql::Database &db = m_cache.database();
    auto charge = [&](const QString &where) {
        sql::Statement s = db.prepare(
            QStringLiteral("SELECT raw FROM charges WHERE deleted = 0 AND %1 ORDER BY id LIMIT 1")
                .arg(where));
        return s.step() ? QJsonDocument::fromJson(s.bytes(0)).object() : QJsonObject();
    };
    QVERIFY(m_cache.begin());
    // A refund lands on a succeeded charge (upsert of newer state: an UPDATE).
    QJsonObject c = charge(QStringLiteral("status = 'succeeded' AND amount_refunded = 0"));
    QVERIFY(!c.isEmpty());
    c[QStringLiteral("amount_refunded")] = 100;
    QCOMPARE(m_cache.upsert(c, kNow + 10), Cache::Write::Written);
    // A succeeded charge turns out failed, another moves in time and currency.
    c = charge(QStringLiteral("status = 'succeeded' AND currency = 'usd'"));
    c[QStringLiteral("status")] = QStringLiteral("failed");
    c[QStringLiteral("failure_code")] = QStringLiteral("card_declined");
    QCOMPARE(m_cache.upsert(c, kNow + 10), Cache::Write::Written);
    c = charge(QStringLiteral("status = 'succeeded' AND currency = 'eur'"));
    c[QStringLiteral("created")] = c[QStringLiteral("created")].toInteger() - 40 * 86400;
    c[QStringLiteral("currency")] = QStringLiteral("jpy");
    QCOMPARE(m_cache.upsert(c, kNow + 10), Cache::Write::Written);
    // A new charge of a new customer, one marked deleted, one deleted outright.
    c = charge(QStringLiteral("status = 'succeeded'"));
    c[QStringLiteral("id")] = QStringLiteral("ch_rollup_new");
    c[QStringLiteral("customer")] = QStringLiteral("cus_rollup_new");
    c[QStringLiteral("created")] = kNow - 3600;
    QCOMPARE(m_cache.upsert(c, kNow + 10), Cache::Write::Written);
    const QString gone
        = charge(QStringLiteral("status = 'failed'"))[QStringLiteral("id")].toString();
    QCOMPARE(m_cache.markDeleted(QStringLiteral("charges"), gone, kNow + 10),
             Cache::Write::Written);
    QVERIFY(
        db.exec(QStringLiteral("DELETE FROM charges WHERE id = (SELECT id FROM charges WHERE "
                               "deleted = 0 AND status = 'succeeded' ORDER BY id DESC LIMIT 1)")));
    // An invoice is written again with a changed line (its lines are replaced).
    {
        sql::Statement inv = db.prepare(QStringLiteral(
            "SELECT raw FROM invoices WHERE status = 'paid' AND raw LIKE '%\"amount\":%' ORDER BY "
            "id LIMIT 1"));
        QVERIFY(inv.step());
        QJsonObject invoice = QJsonDocument::fromJson(inv.bytes(0)).object();
        inv = {};
        QJsonObject lines = invoice[QStringLiteral("lines")].toObject();
        QJsonArray data = lines[QStringLiteral("data")].toArray();
        QVERIFY(!data.isEmpty());
        QJsonObject line = data.first().toObject();
        line[QStringLiteral("amount")] = line[QStringLiteral("amount")].toInteger() + 1000;
        line[QStringLiteral("amount_excluding_tax")] = line[QStringLiteral("amount")];
        data[0] = line;
        lines[QStringLiteral("data")] = data;
        invoice[QStringLiteral("lines")] = lines;
        QCOMPARE(m_cache.upsert(invoice, kNow + 10), Cache::Write::Written);
    }
    // Balance transactions: one changes its fee, one is deleted.
    QVERIFY(db.exec(QStringLiteral("UPDATE balance_transactions SET fee = fee + 7, net = net - 7 "
                                   "WHERE id = (SELECT min(id) FROM balance_transactions)")));
    QVERIFY(db.exec(QStringLiteral("DELETE FROM balance_transactions WHERE id = (SELECT max(id) "
                                   "FROM balance_transactions)")));
    QVERIFY(m_cache.commit());
    compareAll();
}

void TestAnalyticsRollups::unalignedRangesReadTheRows()
{
    // Not on day boundaries: the rows answer (the rollups cannot), and still agree.
    sql::Database &db = m_cache.database();
    const Range r {kNow - 20 * 86400 + 1234, kNow - 5 * 86400 + 77, Interval::Day, {}};
    QCOMPARE(describe(revenue(db, r)), describe(revenueFromRows(db, r)));
    QCOMPARE(payments(db, r).succeeded, paymentsFromRows(db, r).succeeded);
}

void TestAnalyticsRollups::mrrRollupsFollowSubscriptions()
{
    // Schema 7's MRR rollups against the subscriptions and lines, after what moves MRR: a
    // subscription cancelled (its lines cut short), another's quantity raised, one paused, a
    // coupon cached and changed, an invoice voided, a customer's subscription deleted.
    sql::Database &db = m_cache.database();
    QCOMPARE(pending(), 0);
    QVERIFY(db.scalar(QStringLiteral("SELECT count(*) FROM sub_mrr")) > 0);
    QVERIFY(db.scalar(QStringLiteral("SELECT count(*) FROM mrr_months")) > 0);
    QVERIFY(db.scalar(QStringLiteral("SELECT count(*) FROM mrr_cohorts")) > 0);
    auto object = [&](const QString &sql) {
        sql::Statement s = db.prepare(sql);
        return s.step() ? QJsonDocument::fromJson(s.bytes(0)).object() : QJsonObject();
    };
    QVERIFY(m_cache.begin());
    QJsonObject sub = object(QStringLiteral(
        "SELECT raw FROM subscriptions WHERE status = 'active' ORDER BY id LIMIT 1"));
    QVERIFY(!sub.isEmpty());
    sub[QStringLiteral("status")] = QStringLiteral("canceled");
    sub[QStringLiteral("ended_at")] = kNow - 45 * 86400;
    sub[QStringLiteral("canceled_at")] = kNow - 45 * 86400;
    QCOMPARE(m_cache.upsert(sub, kNow + 20), Cache::Write::Written);
    sub = object(QStringLiteral(
        "SELECT raw FROM subscriptions WHERE status = 'active' ORDER BY id DESC LIMIT 1"));
    QJsonObject items = sub[QStringLiteral("items")].toObject();
    QJsonArray data = items[QStringLiteral("data")].toArray();
    QVERIFY(!data.isEmpty());
    QJsonObject item = data.first().toObject();
    item[QStringLiteral("quantity")] = item[QStringLiteral("quantity")].toInteger(1) + 2;
    data[0] = item;
    items[QStringLiteral("data")] = data;
    sub[QStringLiteral("items")] = items;
    QCOMPARE(m_cache.upsert(sub, kNow + 20), Cache::Write::Written);
    QVERIFY(db.exec(QStringLiteral(
        "UPDATE subscriptions SET pause_behavior = 'void' WHERE id = (SELECT id FROM "
        "subscriptions WHERE status = 'past_due' OR status = 'active' ORDER BY id LIMIT 1 OFFSET "
        "3)")));
    // A repeating coupon on a subscription, then its terms change in the coupons table.
    QVERIFY(db.exec(
        QStringLiteral(
            "UPDATE subscriptions SET discount_coupon = 'co_rollup', discount_end = %1 WHERE id = "
            "(SELECT id FROM subscriptions WHERE status = 'active' ORDER BY id LIMIT 1 OFFSET 5)")
            .arg(kNow + 30 * 86400)));
    QJsonObject coupon {{QStringLiteral("id"), QStringLiteral("co_rollup")},
                        {QStringLiteral("object"), QStringLiteral("coupon")},
                        {QStringLiteral("percent_off"), 25},
                        {QStringLiteral("duration"), QStringLiteral("repeating")},
                        {QStringLiteral("created"), kNow - 86400}};
    QCOMPARE(m_cache.upsert(coupon, kNow + 20), Cache::Write::Written);
    QVERIFY(m_cache.commit());
    QCOMPARE(pending(), 0);
    compareAll();
    QVERIFY(m_cache.begin());
    coupon[QStringLiteral("percent_off")] = 40;
    QCOMPARE(m_cache.upsert(coupon, kNow + 30), Cache::Write::Written);
    QJsonObject invoice = object(QStringLiteral(
        "SELECT raw FROM invoices WHERE status = 'paid' AND subscription IS NOT NULL ORDER BY id "
        "DESC LIMIT 1"));
    QVERIFY(!invoice.isEmpty());
    invoice[QStringLiteral("status")] = QStringLiteral("void");
    QCOMPARE(m_cache.upsert(invoice, kNow + 30), Cache::Write::Written);
    QVERIFY(db.exec(QStringLiteral("DELETE FROM subscriptions WHERE id = (SELECT subscription "
                                   "FROM line_mrr WHERE live = 1 ORDER BY id LIMIT 1)")));
    QVERIFY(m_cache.commit());
    compareAll();
    // Written outside Cache::commit(): nothing folded, and the answers come from the rows.
    QVERIFY(db.exec(QStringLiteral("UPDATE subscription_items SET quantity = quantity + 1 WHERE "
                                   "id = (SELECT min(id) FROM subscription_items); UPDATE "
                                   "invoice_lines SET period_end = period_end + 40 * 86400 WHERE "
                                   "id = (SELECT min(id) FROM invoice_lines WHERE type = "
                                   "'subscription')")));
    QVERIFY(pending() > 0);
    compareAll();
    QVERIFY(m_cache.begin());
    QVERIFY(m_cache.commit());
    QCOMPARE(pending(), 0);
    compareAll();
}

void TestAnalyticsRollups::mrrRollupsAreWhatIsRead()
{
    // The answers above came from the rollups: spoiling one changes them.
    sql::Database &db = m_cache.database();
    const qint64 day = 86400;
    const qint64 end = (kNow / day + 1) * day;
    const Range r {end - 730 * day, end, Interval::Month, {}, QTimeZone::utc(), kNow};
    QCOMPARE(pending(), 0);
    const QStringList history = describe(mrrHistory(db, r));
    const QStringList now = describe(mrr(db, kNow));
    QVERIFY(db.exec(QStringLiteral("UPDATE mrr_months SET expansion = expansion + 1; UPDATE "
                                   "sub_mrr SET base = base + 1")));
    QVERIFY(describe(mrrHistory(db, r)) != history);
    QVERIFY(describe(mrr(db, kNow)) != now);
    QVERIFY(db.exec(QStringLiteral("UPDATE mrr_months SET expansion = expansion - 1; UPDATE "
                                   "sub_mrr SET base = base - 1")));
    QCOMPARE(describe(mrrHistory(db, r)), history);
    QCOMPARE(describe(mrr(db, kNow)), now);

    // The current month read now is customer_now's sums: spoiling one changes it.
    const Range live = liveRange();
    const QStringList current = describe(mrrHistory(db, live));
    QVERIFY(db.scalar(QStringLiteral("SELECT count(*) FROM customer_now")) > 0);
    QVERIFY(db.exec(QStringLiteral("UPDATE customer_now SET now = now + 1 WHERE now > 0")));
    QVERIFY(describe(mrrHistory(db, live)) != current);
    QVERIFY(db.exec(QStringLiteral("UPDATE customer_now SET now = now - 1 WHERE now > 0")));
    QCOMPARE(describe(mrrHistory(db, live)), current);
    // Kept for another month (the clock moved on since): read from the rows of the join, and
    // the next commit computes every customer again.
    QVERIFY(db.exec(QStringLiteral("UPDATE sync_state SET value = CAST(value AS INTEGER) - 40 * "
                                   "86400 WHERE key = 'mrr_now_at'; DELETE FROM customer_now")));
    QCOMPARE(describe(mrrHistory(db, live)), current);
    QVERIFY(m_cache.begin());
    QVERIFY(m_cache.commit());
    QVERIFY(db.scalar(QStringLiteral("SELECT count(*) FROM customer_now")) > 0);
    QVERIFY(db.scalar(QStringLiteral("SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = "
                                     "'mrr_now_at'"))
            > QDateTime::currentSecsSinceEpoch() - 3600);
    QCOMPARE(describe(mrrHistory(db, live)), current);
}

void TestAnalyticsRollups::timeZonesBucketTheRows_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::newRow("New York") << QByteArray("America/New_York"); // DST, behind UTC.
    QTest::newRow("Kolkata") << QByteArray("Asia/Kolkata"); // +5:30, no DST.
    QTest::newRow("Berlin") << QByteArray("Europe/Berlin"); // DST, ahead of UTC.
}

void TestAnalyticsRollups::timeZonesBucketTheRows()
{
    // Another reporting zone: its calendar's days, weeks and months, its hours, its month ends —
    // against the rows bucketed here with QDateTime in that zone.
    QFETCH(QByteArray, zone);
    const QTimeZone tz(zone);
    QVERIFY(tz.isValid());
    QVERIFY(!isUtc(tz));
    sql::Database &db = m_cache.database();
    const QDate today = QDateTime::fromSecsSinceEpoch(kNow, tz).date();
    const qint64 to = today.addDays(1).startOfDay(tz).toSecsSinceEpoch();
    struct Case
    {
        Interval interval;
        qint64 from;
    };
    const QList<Case> cases = {
        {Interval::Day, today.addDays(-29).startOfDay(tz).toSecsSinceEpoch()},
        {Interval::Week,
         today.addDays(1 - today.dayOfWeek() - 7 * 11).startOfDay(tz).toSecsSinceEpoch()},
        {Interval::Month,
         QDate(today.year(), today.month(), 1).addMonths(-13).startOfDay(tz).toSecsSinceEpoch()},
    };
    for (const Case &c : cases) {
        const Range r {c.from, to, c.interval, QStringLiteral("usd"), tz};
        QMap<QString, qint64> expected;
        sql::Statement s = db.prepare(QStringLiteral(
            "SELECT created, coalesce(amount_captured, amount) FROM charges WHERE deleted = 0 AND "
            "status = 'succeeded' AND currency = 'usd' AND created >= ?1 AND created < ?2"));
        s.bind(1, r.from);
        s.bind(2, r.to);
        while (s.step())
            expected[bucketOf(s.int64(0), c.interval, tz)] += s.int64(1);
        QVERIFY(!expected.isEmpty());
        QMap<QString, qint64> got;
        for (const RevenueRow &row : revenue(db, r))
            if (row.gross != 0)
                got[row.bucket] += row.gross;
        QCOMPARE(got, expected);
        // Every bucket named is one of the zone's: midnight there.
        for (const QString &b : buckets(r))
            QCOMPARE(QDateTime::fromSecsSinceEpoch(
                         QDate::fromString(b, Qt::ISODate).startOfDay(tz).toSecsSinceEpoch(), tz)
                         .time(),
                     QTime(0, 0));
        // The same charges by UTC day are bucketed differently somewhere.
        if (c.interval == Interval::Day) {
            Range utc = r;
            utc.zone = QTimeZone::utc();
            QMap<QString, qint64> byUtc;
            for (const RevenueRow &row : revenue(db, utc))
                if (row.gross != 0)
                    byUtc[row.bucket] += row.gross;
            QVERIFY(byUtc != got);
        }
    }
    // The hour-of-week heat map in the zone's hours.
    {
        const Range r {cases.first().from, to, Interval::Day, QStringLiteral("usd"), tz};
        QList<qint64> expected(168, 0);
        sql::Statement s = db.prepare(QStringLiteral(
            "SELECT created FROM charges WHERE deleted = 0 AND status = 'succeeded' AND currency "
            "= 'usd' AND created >= ?1 AND created < ?2"));
        s.bind(1, r.from);
        s.bind(2, r.to);
        while (s.step()) {
            const QDateTime local = QDateTime::fromSecsSinceEpoch(s.int64(0), tz);
            ++expected[(local.date().dayOfWeek() - 1) * 24 + local.time().hour()];
        }
        // The breakdowns: whole UTC days from the rollup, the zone's part-days from the rows.
        QCOMPARE(payments(db, r).hourOfWeek, expected);
        QCOMPARE(describe(payments(db, r)), describe(paymentsFromRows(db, r)));
        QCOMPARE(disputeRates(db, r), disputeRates(db, [&] {
                     Range rows = r;
                     rows.from += 1; // Not on an hour: from the rows.
                     return rows;
                 }()));
    }
    // MRR at the zone's month ends: the lines that run over that instant.
    {
        const Range r {cases.last().from, to, Interval::Month, QStringLiteral("usd"), tz};
        const MrrHistory h = mrrHistory(db, r);
        QCOMPARE(describe(h), describe(mrrHistoryFromRows(db, r)));
        QVERIFY(!h.months.isEmpty());
        sql::Statement s = db.prepare(QStringLiteral(
            "SELECT coalesce(sum(l.monthly), 0) FROM line_mrr l LEFT JOIN subscriptions sub ON "
            "sub.id = l.subscription WHERE l.live = 1 AND l.currency = 'usd' AND l.monthly > 0 "
            "AND l.start < ?2 AND l.start <= ?1 AND min(l.end, coalesce(sub.ended_at, l.end)) > "
            "?1"));
        for (const MrrMonth &m : h.months) {
            const qint64 end = QDate::fromString(m.bucket, Qt::ISODate)
                                   .addMonths(1)
                                   .startOfDay(tz)
                                   .toSecsSinceEpoch()
                - 1;
            s.reset();
            s.bind(1, end);
            s.bind(2, r.to);
            QVERIFY(s.step());
            QVERIFY2(s.int64(0) == m.mrr, qPrintable(m.bucket));
        }
    }
}

QTEST_GUILESS_MAIN(TestAnalyticsRollups)
#include "tst_analyticsrollups.moc"

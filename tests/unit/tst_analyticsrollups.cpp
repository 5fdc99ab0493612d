#include "models/analytics.h"
#include "models/cache.h"
#include "tests/support/democache.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

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
            const PaymentStats a = payments(db, r), b = paymentsFromRows(db, r);
            QVERIFY2(a.succeeded == b.succeeded && a.failed == b.failed, qPrintable(where));
            QCOMPARE(a.refundRate, b.refundRate);
            QCOMPARE(a.disputeRate, b.disputeRate);
            QCOMPARE(a.averageValue, b.averageValue);
            QCOMPARE(describe(a.declines), describe(b.declines));
            QCOMPARE(describe(a.byBrand), describe(b.byBrand));
            QCOMPARE(describe(a.byCountry), describe(b.byCountry));
            QCOMPARE(describe(a.byFunding), describe(b.byFunding));
            QCOMPARE(describe(a.byMethod), describe(b.byMethod));
            QCOMPARE(a.riskLevels, b.riskLevels);
            QCOMPARE(a.hourOfWeek, b.hourOfWeek);
            QCOMPARE(a.newCustomers, b.newCustomers);
            QCOMPARE(a.returningCustomers, b.returningCustomers);
            if (r.interval == Interval::Month) {
                const MrrHistory h = mrrHistory(db, r), g = mrrHistoryFromRows(db, r);
                QCOMPARE(h.months.size(), g.months.size());
                for (qsizetype i = 0; i < h.months.size(); ++i) {
                    const MrrMonth &x = h.months.at(i), &y = g.months.at(i);
                    QVERIFY2(x.bucket == y.bucket && x.currency == y.currency && x.mrr == y.mrr
                                 && x.newMrr == y.newMrr && x.expansion == y.expansion
                                 && x.contraction == y.contraction && x.churn == y.churn
                                 && x.reactivation == y.reactivation && x.customers == y.customers,
                             qPrintable(x.bucket + u' ' + x.currency));
                }
                QCOMPARE(h.cohorts.size(), g.cohorts.size());
            }
        }
    }

private Q_SLOTS:
    void initTestCase();
    void rollupsEqualTheRows();
    void afterUpdatesAndDeletions();
    void unalignedRangesReadTheRows();
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

QTEST_GUILESS_MAIN(TestAnalyticsRollups)
#include "tst_analyticsrollups.moc"

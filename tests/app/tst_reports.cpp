#include "app/reports.h"
#include "models/money.h"
#include "tests/support/democache.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;
using namespace paydesk::app;

// `paydesk report` writes CSV and JSON from the same rows: each CSV row says what the JSON
// row says, in the CSV's units (decimal money, percents, upper-case currencies).
class TestReports final : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 kNow = 1763800000; // 2025-11-22
    QTemporaryDir m_dir;
    models::sql::Database m_db;

    reports::Options options(const char *kind, bool json) const
    {
        reports::Options o;
        o.kind = QString::fromLatin1(kind);
        o.json = json;
        o.range.from = 1735689600; // 2025-01-01
        o.range.to = 1764547200; // 2025-12-01
        o.range.asOf = o.at = kNow;
        return o;
    }

    static QList<QStringList> csvRows(const QString &csv)
    {
        QList<QStringList> rows;
        for (const QString &line : csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts))
            rows.append(line.split(u','));
        return rows;
    }

    // The CSV of `kind` (table `csvTable` of its JSON under `key`) against that JSON.
    void compare(const char *kind, const char *key, const QStringList &moneyColumns,
                 bool history = false, bool summary = false)
    {
        reports::Options c = options(kind, false);
        c.history = history;
        c.summary = summary;
        const QList<QStringList> csv = csvRows(reports::toCsv(reports::render(m_db, c)));
        const QJsonObject json = reports::toJson(reports::render(m_db, options(kind, true)));
        const QJsonArray rows = json.value(QLatin1String(key)).toArray();
        QVERIFY(!rows.isEmpty());
        QCOMPARE(csv.size(), rows.size() + 1);
        const QStringList header = csv.first();
        qint64 nonZero = 0;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const QJsonObject j = rows.at(i).toObject();
            const QStringList &r = csv.at(i + 1);
            const QString currency = j.value(QLatin1String("currency")).toString();
            QCOMPARE(r.at(header.indexOf(QLatin1String("currency"))), currency.toUpper());
            for (const QString &m : moneyColumns) {
                const qint64 minor = j.value(m).toInteger();
                nonZero += minor != 0;
                QCOMPARE(r.at(header.indexOf(m)), models::Money(minor, currency).toDecimalString());
            }
        }
        QVERIFY2(nonZero > 0, "every amount is zero: the comparison proves nothing");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString file = m_dir.filePath(QStringLiteral("reports.sqlite"));
        QVERIFY(testsupport::fillDemoCache(file, 3000, kNow) > 0);
        QVERIFY(m_db.open(file, false));
    }

    void revenueCsvIsItsJson()
    {
        compare("revenue", "revenue",
                {QStringLiteral("gross"), QStringLiteral("refunds"), QStringLiteral("net")});
    }
    void settlementCsvIsItsJson()
    {
        reports::Options c = options("settlement", false);
        const QList<QStringList> csv = csvRows(reports::toCsv(reports::render(m_db, c)));
        const QJsonArray rows = reports::toJson(reports::render(m_db, options("settlement", true)))
                                    .value(QLatin1String("settlement"))
                                    .toArray();
        QCOMPARE(csv.size(), rows.size() + 1);
        QCOMPARE(csv.first().first(), QStringLiteral("settlement_bucket"));
        const qsizetype fees = csv.first().indexOf(QLatin1String("fees"));
        qint64 total = 0;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const QJsonObject j = rows.at(i).toObject();
            total += j.value(QLatin1String("fees")).toInteger();
            QCOMPARE(csv.at(i + 1).at(0), j.value(QLatin1String("bucket")).toString());
            QCOMPARE(csv.at(i + 1).at(fees),
                     models::Money(j.value(QLatin1String("fees")).toInteger(),
                                   j.value(QLatin1String("currency")).toString())
                         .toDecimalString());
        }
        QVERIFY(total > 0);
    }
    void mrrCsvIsItsJson()
    {
        compare("mrr", "mrr", {QStringLiteral("mrr"), QStringLiteral("arpa")});
        compare("mrr", "history", {QStringLiteral("mrr"), QStringLiteral("start_mrr")}, true);
    }
    void churnCsvIsItsJson()
    {
        compare("churn", "months", {QStringLiteral("arpa")});
        compare("churn", "summary", {QStringLiteral("arpa"), QStringLiteral("ltv")}, false, true);
    }
    void paymentsCsvIsItsJson()
    {
        const QList<QStringList> csv
            = csvRows(reports::toCsv(reports::render(m_db, options("payments", false))));
        const QJsonObject json = reports::toJson(reports::render(m_db, options("payments", true)));
        QCOMPARE(csv.first(),
                 (QStringList {QStringLiteral("metric"), QStringLiteral("key"),
                               QStringLiteral("value")}));
        auto value = [&csv](const char *metric) {
            for (const QStringList &r : csv)
                if (r.first() == QLatin1String(metric))
                    return r.last();
            return QString();
        };
        QVERIFY(json.value(QLatin1String("succeeded")).toInteger() > 0);
        QCOMPARE(value("succeeded"),
                 QString::number(json.value(QLatin1String("succeeded")).toInteger()));
        QCOMPARE(value("success_rate_percent"),
                 QString::number(json.value(QLatin1String("success_rate"))
                                     .toObject()
                                     .value(QLatin1String("percent"))
                                     .toDouble(),
                                 'f', 2));
    }
};

QTEST_GUILESS_MAIN(TestReports)
#include "tst_reports.moc"

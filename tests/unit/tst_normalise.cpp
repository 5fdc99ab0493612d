#include "models/rollups/normalise.h"
#include "models/store/sqlitedb.h"

#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::models;

// The MRR normalisation is written once: the SQL the rollup triggers run computes, for every
// interval and count, the amount the C++ computes.
class TestNormalise final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sqlAndCppAgree()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        sql::Database db;
        QVERIFY(db.open(dir.filePath(QStringLiteral("n.sqlite")), true));
        sql::Statement s = db.prepare(
            QStringLiteral("SELECT %1")
                .arg(rollups::monthlyAmountSql(QStringLiteral("?1"), QStringLiteral("?2"),
                                               QStringLiteral("?3"))));
        QVERIFY(s.isValid());
        const qint64 amounts[] = {1, 7, 99, 100, 999, 1234, 2500, 4999, 12000, 99999, 1000001};
        int compared = 0;
        for (const char *interval : {"day", "week", "month", "year", "fortnight"}) {
            for (qint64 count = 1; count <= 4; ++count) {
                for (qint64 amount : amounts) {
                    s.reset();
                    s.bind(1, amount);
                    s.bind(2, QString::fromLatin1(interval));
                    s.bind(3, count);
                    QVERIFY(s.step());
                    QCOMPARE(
                        s.int64(0),
                        rollups::monthlyAmount(amount, 1, QString::fromLatin1(interval), count));
                    ++compared;
                }
            }
        }
        QCOMPARE(compared, 5 * 4 * 11);
        // And the values themselves (docs/metrics.md): a year of 120.00 is 10.00 a month, a week
        // of 12.00 is 52.00 a month, a day of 1.00 is 30.42.
        QCOMPARE(rollups::monthlyAmount(12000, 1, QStringLiteral("year"), 1), qint64(1000));
        QCOMPARE(rollups::monthlyAmount(1200, 1, QStringLiteral("week"), 1), qint64(5200));
        QCOMPARE(rollups::monthlyAmount(100, 1, QStringLiteral("day"), 1), qint64(3042));
        QCOMPARE(rollups::monthlyAmount(3000, 1, QStringLiteral("month"), 3), qint64(1000));
    }
};

QTEST_GUILESS_MAIN(TestNormalise)
#include "tst_normalise.moc"

#include "models/daterange.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::models;

// The one module every picked range comes from: whole days of the reporting zone.
class TestDateRange final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_config;

    static qint64 at(const char *iso, const QTimeZone &zone)
    {
        return QDateTime(QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).date(),
                         QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).time(), zone)
            .toSecsSinceEpoch();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("PaydeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("daterange"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_config.path());
    }

    void lastDaysEndsWithTodayWhole()
    {
        const QTimeZone utc = QTimeZone::utc();
        const qint64 now = at("2026-12-02T15:30:00", utc);
        const dates::Span span = dates::lastDays(30, now, utc);
        QCOMPARE(span.from, at("2026-11-03T00:00:00", utc));
        QCOMPARE(span.to, at("2026-12-03T00:00:00", utc));
        QCOMPARE(dates::lastDays(1, now, utc),
                 (dates::Span {at("2026-12-02T00:00:00", utc), at("2026-12-03T00:00:00", utc)}));
    }

    void daysAreTheZonesNotUtcs()
    {
        // 23:30 on 1 December in New York is already 2 December in UTC: "today" is New York's.
        const QTimeZone ny("America/New_York");
        QVERIFY(ny.isValid());
        const qint64 now = at("2026-12-01T23:30:00", ny);
        const dates::Span today = dates::lastDays(1, now, ny);
        QCOMPARE(today.from, at("2026-12-01T00:00:00", ny));
        QCOMPARE(today.to - today.from, qint64(86400));
        // A day that loses an hour to summer time is 23 hours long, and still one day.
        const QTimeZone berlin("Europe/Berlin");
        const dates::Span spring = dates::lastDays(1, at("2026-03-29T12:00:00", berlin), berlin);
        QCOMPARE(spring.to - spring.from, qint64(23 * 3600));
    }

    void weeksStartOnMondayAndMonthsOnTheFirst()
    {
        const QTimeZone utc = QTimeZone::utc();
        const qint64 now = at("2026-12-02T08:00:00", utc); // A Wednesday.
        const dates::Span weeks = dates::lastWeeks(12, now, utc);
        QCOMPARE(dates::dayOf(weeks.from, utc).dayOfWeek(), 1);
        QCOMPARE(dates::dayOf(weeks.from, utc), QDate(2026, 9, 14));
        QCOMPARE(dates::lastMonths(1, now, utc).from, at("2026-12-01T00:00:00", utc));
        QCOMPARE(dates::lastMonths(12, now, utc).from, at("2026-01-01T00:00:00", utc));
        QCOMPARE(dates::lastMonths(12, now, utc).to, at("2026-12-03T00:00:00", utc));
    }

    void customDaysIncludeBothEnds()
    {
        const QTimeZone tokyo("Asia/Tokyo");
        const dates::Span span = dates::days(QDate(2026, 11, 1), QDate(2026, 11, 30), tokyo);
        QCOMPARE(span.from, at("2026-11-01T00:00:00", tokyo));
        QCOMPARE(span.to, at("2026-12-01T00:00:00", tokyo));
        QCOMPARE(dates::startOf(QDate(2026, 11, 1), tokyo), span.from);
    }

    void parseDayTakesIsoDatesOnly()
    {
        QCOMPARE(dates::parseDay(QStringLiteral("2026-11-01")), QDate(2026, 11, 1));
        QVERIFY(!dates::parseDay(QStringLiteral("2025-02-30")).isValid());
        QVERIFY(!dates::parseDay(QStringLiteral("01/11/2026")).isValid());
        QVERIFY(!dates::parseDay(QString()).isValid());
    }

    void theReportingZoneComesFromTheSettings()
    {
        QSettings().remove(QStringLiteral("reporting/timeZone"));
        QCOMPARE(dates::reportingZone(), QTimeZone::utc());
        QSettings().setValue(QStringLiteral("reporting/timeZone"), QStringLiteral("Europe/Paris"));
        QCOMPARE(dates::reportingZone().id(), QByteArray("Europe/Paris"));
        QSettings().setValue(QStringLiteral("reporting/timeZone"), QStringLiteral("Mars/Olympus"));
        QCOMPARE(dates::reportingZone(), QTimeZone::utc());
    }
};

QTEST_GUILESS_MAIN(TestDateRange)
#include "tst_daterange.moc"

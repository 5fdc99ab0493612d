#include "tests/support/democache.h"
#include "ui/analyticspage.h"
#include "ui/chartcard.h"
#include "ui/settingsdialog.h"
#include "ui/theme.h"

#include <QApplication>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;
using Values = ui::SettingsDialog::Values;

// The settings dialog: every value checked before it is kept (the dialog stays open and says
// what is wrong), what is kept comes back, the webhook secret is never written to the settings;
// the theme reaches the widgets and the charts.
class TestSettings final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static void screenshot(QWidget *w, const QString &name)
    {
        const QString dir = qEnvironmentVariable("PAYDESK_SCREENSHOTS");
        if (dir.isEmpty())
            return;
        w->show();
        QCoreApplication::processEvents();
        w->grab().save(dir + u'/' + name + QStringLiteral(".png"));
    }

private Q_SLOTS:
    void initTestCase();
    void problems_data();
    void problems();
    void badValueKeepsTheDialogOpen();
    void valuesComeBackWithoutTheSecret();
    void themeReachesTheCharts();
};

void TestSettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings().clear();
}

void TestSettings::problems_data()
{
    QTest::addColumn<Values>("values");
    QTest::addColumn<QString>("problem");
    Values ok;
    QTest::newRow("defaults") << ok << QString();
    Values v = ok;
    v.syncMinutes = -1;
    QTest::newRow("negative interval") << v << QStringLiteral("sync interval");
    v = ok;
    v.syncMinutes = 24 * 60 + 1;
    QTest::newRow("interval over a day") << v << QStringLiteral("sync interval");
    v = ok;
    v.webhooks = true;
    v.webhookPort = 80;
    QTest::newRow("privileged port") << v << QStringLiteral("1024");
    v.webhookPort = 70000;
    QTest::newRow("port out of range") << v << QStringLiteral("65535");
    v = ok;
    v.webhookSecret = QStringLiteral("sk_test_notasecret");
    QTest::newRow("secret that is a key") << v << QStringLiteral("whsec_");
    v.webhookSecret = QStringLiteral("whsec_ab cd");
    QTest::newRow("secret with a space") << v << QStringLiteral("spaces");
    v = ok;
    v.refundThreshold = -5;
    QTest::newRow("negative threshold") << v << QStringLiteral("negative");
    v = ok;
    v.timeZone = QStringLiteral("Europe/Paris");
    QTest::newRow("a time zone") << v << QString();
    v.timeZone = QStringLiteral("Mars/Olympus_Mons");
    QTest::newRow("unknown time zone") << v << QStringLiteral("not a time zone");
    v = ok;
    v.webhooks = true;
    v.webhookPort = 4242;
    v.webhookSecret = QStringLiteral("whsec_0123456789abcdef");
    v.refundThreshold = 0;
    v.syncMinutes = 0;
    QTest::newRow("all set") << v << QString();
}

void TestSettings::problems()
{
    QFETCH(Values, values);
    QFETCH(QString, problem);
    const QString p = ui::SettingsDialog::problem(values);
    if (problem.isEmpty())
        QVERIFY2(p.isEmpty(), qPrintable(p));
    else
        QVERIFY2(p.contains(problem), qPrintable(p));
}

void TestSettings::badValueKeepsTheDialogOpen()
{
    ui::SettingsDialog dialog(Values {}, {QStringLiteral("usd"), QStringLiteral("eur")}, false);
    dialog.show();
    dialog.findChild<QCheckBox *>(QStringLiteral("webhooks"))->setChecked(true);
    dialog.findChild<QLineEdit *>(QStringLiteral("webhookSecret"))
        ->setText(QStringLiteral("rk_test_oops"));
    dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.result(), 0);
    auto *error = dialog.findChild<QLabel *>(QStringLiteral("settingsError"));
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(QStringLiteral("whsec_")));
    screenshot(&dialog, QStringLiteral("settings-error"));
    // The secret field is a password field.
    QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("webhookSecret"))->echoMode(),
             QLineEdit::Password);
    dialog.findChild<QLineEdit *>(QStringLiteral("webhookSecret"))
        ->setText(QStringLiteral("whsec_fine0123456789"));
    dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.values().webhookSecret, QStringLiteral("whsec_fine0123456789"));
}

void TestSettings::valuesComeBackWithoutTheSecret()
{
    Values v;
    v.syncMinutes = 30;
    v.webhooks = true;
    v.webhookPort = 5005;
    v.webhookSecret = QStringLiteral("whsec_neverInTheSettings42");
    v.theme = QStringLiteral("dark");
    v.refundThreshold = 1200;
    v.readOnly = true;
    v.reportingCurrency = QStringLiteral("eur");
    v.timeZone = QStringLiteral("America/New_York");
    ui::SettingsDialog::save(v);
    const Values back = ui::SettingsDialog::load();
    QCOMPARE(back.syncMinutes, 30);
    QVERIFY(back.webhooks);
    QCOMPARE(back.webhookPort, 5005);
    QCOMPARE(back.theme, QStringLiteral("dark"));
    QCOMPARE(back.refundThreshold, 1200);
    QVERIFY(back.readOnly);
    QCOMPARE(back.reportingCurrency, QStringLiteral("eur"));
    QCOMPARE(back.timeZone, QStringLiteral("America/New_York"));
    QVERIFY(back.webhookSecret.isEmpty());
    QSettings().sync();
    QFile file(QSettings().fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("neverInTheSettings"));
    // The dialog shows them, and says a secret is stored without showing it.
    ui::SettingsDialog dialog(back, {QStringLiteral("usd")}, true);
    QCOMPARE(dialog.findChild<QSpinBox *>(QStringLiteral("syncMinutes"))->value(), 30);
    QCOMPARE(dialog.findChild<QComboBox *>(QStringLiteral("theme"))->currentData().toString(),
             QStringLiteral("dark"));
    QCOMPARE(dialog.findChild<QComboBox *>(QStringLiteral("reportingCurrency"))
                 ->currentData()
                 .toString(),
             QStringLiteral("eur"));
    QCOMPARE(dialog.findChild<QComboBox *>(QStringLiteral("timeZone"))->currentData().toString(),
             QStringLiteral("America/New_York"));
    QVERIFY(dialog.findChild<QLineEdit *>(QStringLiteral("webhookSecret"))->text().isEmpty());
    QVERIFY(dialog.findChild<QLineEdit *>(QStringLiteral("webhookSecret"))
                ->placeholderText()
                .contains(QStringLiteral("keychain")));
    screenshot(&dialog, QStringLiteral("settings"));
    QSettings().clear();
}

void TestSettings::themeReachesTheCharts()
{
    const QString file = m_dir.filePath(QStringLiteral("theme.sqlite"));
    QVERIFY(testsupport::fillDemoCache(file, 2000, 1763800000) > 0);
    ui::AnalyticsPage page;
    page.resize(1300, 1400);
    page.setNow(1763800000);
    page.setCache(file);
    page.show();
    const QList<ui::ChartCard *> cards = page.findChildren<ui::ChartCard *>();
    QVERIFY(cards.size() > 5);
    ui::theme::apply(ui::theme::Mode::Dark);
    QVERIFY(ui::theme::isDark());
    QCoreApplication::processEvents();
    for (ui::ChartCard *card : cards) {
        QCOMPARE(card->chart()->theme(), QChart::ChartThemeDark);
        QVERIFY(card->chart()->backgroundBrush().color().lightness() < 100);
    }
    screenshot(&page, QStringLiteral("analytics-dark"));
    ui::theme::apply(ui::theme::Mode::Light);
    QCoreApplication::processEvents();
    QVERIFY(!ui::theme::isDark());
    for (ui::ChartCard *card : cards) {
        QCOMPARE(card->chart()->theme(), QChart::ChartThemeLight);
        QVERIFY(card->chart()->backgroundBrush().color().lightness() > 200);
    }
    ui::theme::apply(ui::theme::Mode::System);
}

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"

#include "models/money.h"
#include "models/payouts/payoutlinks.h"
#include "models/payouts/reconciliation.h"
#include "models/store/cache.h"
#include "models/store/cachereader.h"
#include "models/sync/syncengine.h"
#include "models/views/objectdetail.h"
#include "network/stripeclient.h"
#include "sandbox/stripesandbox.h"
#include "tests/support/fakenetwork.h"
#include "tests/support/sandboxnetwork.h"
#include "ui/balancepage.h"
#include "ui/detailpanel.h"
#include "ui/listpage.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"

#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;
using Kind = models::ListTableModel::Kind;

// The Balance page, the Payouts page and a payout's reconciliation in its detail, offscreen, on
// a cache synced from the demo merchant (the sandbox in process).
class TestPayoutPages final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_file;
    std::unique_ptr<sandbox::StripeSandbox> m_sandbox;
    tests::FakeNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<network::StripeClient> m_client;
    models::Cache m_cache;
    models::CacheReader m_reader;

    void shot(QWidget *w, const QString &name, QSize size)
    {
        if (qEnvironmentVariableIsEmpty("PAYDESK_SCREENSHOTS"))
            return;
        w->resize(size);
        QTest::qWait(50);
        QVERIFY(w->grab().save(qEnvironmentVariable("PAYDESK_SCREENSHOTS") + u'/' + name
                               + QStringLiteral("-%1.png").arg(size.width())));
    }
    QString one(const QString &sql)
    {
        models::sql::Statement s = m_cache.database().prepare(sql);
        return s.step() ? s.text(0) : QString();
    }

private Q_SLOTS:
    void initTestCase();
    void balancePageShowsWhatStripeSaid();
    void payoutsPageListsEveryPayout();
    void payoutDetailReconcilesIt();
    void failedPayoutSaysWhy();
    void disputesShowTimeLeftAndTheSidebarCountsThem();
};

void TestPayoutPages::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    if (qEnvironmentVariable("PAYDESK_SCREENSHOT_THEME") == QLatin1String("dark"))
        ui::theme::apply(ui::theme::Mode::Dark);
    QVERIFY(m_dir.isValid());
    sandbox::SandboxOptions options;
    options.scale = 1500;
    options.now = 1763800000;
    options.seed = 1;
    m_sandbox = std::make_unique<sandbox::StripeSandbox>(options);
    QVERIFY(m_sandbox->load());
    network::StripeClientConfig config;
    config.apiKey = "sk_test_payoutpages";
    config.apiBase = QUrl(QStringLiteral("https://api.stripe.com"));
    config.maxRetries = 0;
    m_network = new tests::FakeNetworkAccessManager;
    tests::answerFromSandbox(m_network, m_sandbox.get());
    m_client = std::make_unique<network::StripeClient>(config, m_network);
    // Two cardholders dispute their payment at once (Stripe's test card): disputes that need
    // a response.
    for (int i = 0; i < 2; ++i) {
        network::StripeRequest create;
        create.method = "POST";
        create.path = QStringLiteral("/v1/payment_intents");
        create.params.add(QStringLiteral("amount"), 4200 + i);
        create.params.add(QStringLiteral("currency"), QStringLiteral("usd"));
        create.params.add(QStringLiteral("payment_method"),
                          QStringLiteral("pm_card_createDispute"));
        QString pi;
        bool sent = false;
        m_client->send(create, this, [&](const network::StripeResponse &r) {
            pi = r.json.value(QStringLiteral("id")).toString();
            sent = true;
        });
        QVERIFY(QTest::qWaitFor([&] { return sent; }, 10000));
        QVERIFY(!pi.isEmpty());
        network::StripeRequest confirm;
        confirm.method = "POST";
        confirm.path = QStringLiteral("/v1/payment_intents/%1/confirm").arg(pi);
        sent = false;
        bool confirmed = false;
        m_client->send(confirm, this, [&](const network::StripeResponse &r) {
            confirmed = r.ok();
            sent = true;
        });
        QVERIFY(QTest::qWaitFor([&] { return sent; }, 10000));
        QVERIFY(confirmed);
    }
    m_file = m_dir.filePath(QStringLiteral("payouts.sqlite"));
    QVERIFY(m_cache.open(m_file));
    models::SyncEngine engine(m_client.get(), &m_cache, {});
    bool done = false, ok = false;
    connect(&engine, &models::SyncEngine::finished, this, [&](bool success, const QString &) {
        done = true;
        ok = success;
    });
    engine.start();
    QVERIFY(QTest::qWaitFor([&] { return done; }, 60000));
    QVERIFY(ok);
    QVERIFY(m_reader.open(m_file));
}

void TestPayoutPages::balancePageShowsWhatStripeSaid()
{
    const QJsonObject balance
        = QJsonDocument::fromJson(m_cache.state(QStringLiteral("balance"))).object();
    const qint64 available
        = balance[QStringLiteral("available")][0][QStringLiteral("amount")].toInteger();
    const qint64 pending
        = balance[QStringLiteral("pending")][0][QStringLiteral("amount")].toInteger();
    ui::BalancePage page;
    const qint64 at = balance[QStringLiteral("fetched_at")].toInteger();
    page.setNow(at);
    page.setReader(&m_reader);
    page.show();
    auto value = [&](const QString &tile) {
        const QWidget *t = page.findChild<QWidget *>(QStringLiteral("tile_") + tile);
        return t ? t->findChild<QLabel *>(QStringLiteral("tileValue"))->text() : QString();
    };
    // The tiles say what Stripe's balance said, in the form money takes everywhere.
    QCOMPARE(value(QStringLiteral("available_usd")),
             models::Money(available, u"usd").toLabelledString(QLocale()));
    QCOMPARE(value(QStringLiteral("pending_usd")),
             models::Money(pending, u"usd").toLabelledString(QLocale()));
    QCOMPARE(value(QStringLiteral("instant_usd")),
             models::Money(std::max<qint64>(0, available), u"usd").toLabelledString(QLocale()));
    // The next payout: the account pays out daily, so at the next midnight (UTC), what is
    // available then.
    const models::payouts::BalanceView &v = page.view();
    QCOMPARE(v.interval, QStringLiteral("daily"));
    QCOMPARE(v.nextPayoutAt, (at / 86400 + 1) * 86400);
    const qint64 becoming = m_cache.database().scalar(
        QStringLiteral("SELECT coalesce(sum(net), 0) FROM balance_transactions WHERE "
                       "available_on > %1 AND available_on <= %2")
            .arg(at)
            .arg(v.nextPayoutAt));
    QCOMPARE(v.nextPayoutAmount, available + becoming);
    QCOMPARE(value(QStringLiteral("next")),
             models::Money(available + becoming, u"usd").toLabelledString(QLocale()));
    QVERIFY(page.findChild<QLabel *>(QStringLiteral("balanceSchedule"))
                ->text()
                .contains(QStringLiteral("daily, 2 days")));

    // The latest payouts, newest first; Enter on one opens it.
    QTableWidget *recent = page.recentTable();
    QCOMPARE(recent->rowCount(), 8);
    QCOMPARE(recent->item(0, 3)->text(),
             one(QStringLiteral("SELECT id FROM payouts ORDER BY created DESC, id DESC LIMIT 1")));
    QSignalSpy open(&page, &ui::BalancePage::openObject);
    recent->setFocus();
    recent->setCurrentCell(1, 0);
    QTest::keyClick(recent, Qt::Key_Return);
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().at(0).toString(), QStringLiteral("payouts"));
    QCOMPARE(open.first().at(1).toString(), recent->item(1, 3)->text());
    // Nothing is cut off at the smallest window.
    page.resize(1024, 640);
    QTest::qWait(20);
    for (const QLabel *l : page.findChildren<QLabel *>(QStringLiteral("tileValue")))
        QVERIFY2(l->width() >= l->sizeHint().width(), qPrintable(l->text()));
    shot(&page, QStringLiteral("balance"), {1280, 720});
    shot(&page, QStringLiteral("balance"), {1024, 640});
}

void TestPayoutPages::payoutsPageListsEveryPayout()
{
    ui::ListPage page(Kind::Payouts);
    page.setReader(&m_reader);
    page.resize(1280, 720);
    page.show();
    QTableView *table = page.table();
    QTRY_COMPARE(table->model()->rowCount(),
                 int(std::min<qint64>(
                     m_cache.database().scalar(QStringLiteral("SELECT count(*) FROM payouts")),
                     table->model()->rowCount())));
    QVERIFY(table->model()->rowCount() > 0);
    const int bank = 4;
    QCOMPARE(table->model()->headerData(bank, Qt::Horizontal).toString(),
             QStringLiteral("Bank account"));
    QCOMPARE(table->model()->index(0, bank).data().toString(),
             QStringLiteral("STRIPE TEST BANK ••6789"));
    QCOMPARE(table->model()->index(0, 1).data().toString(), QStringLiteral("In transit"));
    // Filtered to the failed one by its status.
    auto *status = page.findChild<QComboBox *>(QStringLiteral("statusFilter"));
    QVERIFY(status);
    status->setCurrentIndex(status->findData(QStringLiteral("failed")));
    QTRY_COMPARE(table->model()->rowCount(), 1);
    QVERIFY(table->model()->index(0, 5).data().toString().contains(QStringLiteral("closed")));
    status->setCurrentIndex(0);
    shot(&page, QStringLiteral("payouts"), {1280, 720});
}

void TestPayoutPages::payoutDetailReconcilesIt()
{
    // The newest paid payout with a refund in it.
    const QString id = one(QStringLiteral(
        "SELECT p.id FROM payouts p WHERE p.status = 'paid' ORDER BY p.created DESC LIMIT 1"));
    QVERIFY(!id.isEmpty());
    models::ObjectDetail before = models::ObjectDetail::load(m_cache.database(), u"payouts"_qs, id);
    QVERIFY(before.found);
    QCOMPARE(before.sections.value(1).title, QStringLiteral("Reconciliation"));
    QVERIFY(before.sections.value(1).fields.value(0).value.contains(QStringLiteral("not known")));

    bool done = false, ok = false;
    QObject context;
    models::linkPayouts(m_client.get(), &m_cache, {id}, &context, {},
                        [&](bool success, const QString &) {
                            done = true;
                            ok = success;
                        });
    QVERIFY(QTest::qWaitFor([&] { return done; }, 20000));
    QVERIFY(ok);
    const models::ObjectDetail d
        = models::ObjectDetail::load(m_cache.database(), u"payouts"_qs, id);
    const models::payouts::Reconciliation r = models::payouts::reconcile(m_cache.database(), id);
    QVERIFY(r.addsUp());
    const models::DetailSection rec = d.sections.value(1);
    QCOMPARE(rec.title, QStringLiteral("Reconciliation"));
    QCOMPARE(rec.fields.last().value, QStringLiteral("Adds up exactly"));
    QCOMPARE(rec.fields.at(rec.fields.size() - 2).value,
             models::Money(r.amount, r.currency).toLabelledString(QLocale()));
    QCOMPARE(d.title, models::Money(r.amount, r.currency).toLabelledString(QLocale()));
    const models::DetailSection txns = d.sections.value(2);
    QCOMPARE(txns.title, QStringLiteral("Transactions"));
    QCOMPARE(txns.fields.size(), std::min<qsizetype>(r.lines.size(), 50) + (r.lines.size() > 50));
    QVERIFY(txns.fields.first().link.startsWith(QStringLiteral("charges/ch_"))
            || txns.fields.first().link.startsWith(QStringLiteral("refunds/")));
    // The CSV export of it: a row per transaction, per group, the total and the payout.
    const QString csv = models::payouts::toCsv(r);
    QCOMPARE(csv.count(QStringLiteral("\r\n")), 1 + int(r.lines.size()) + 5 + 1 + 1);
    QVERIFY(csv.contains(QStringLiteral(",adds up,")));

    ui::ListPage page(Kind::Payouts);
    page.setReader(&m_reader);
    page.resize(1280, 720);
    page.show();
    page.showObject(id);
    QTRY_VERIFY(page.detailPanel()->isVisible());
    // Its "Export reconciliation…" button writes the same CSV; an unlinked payout writes
    // nothing and says why.
    QVERIFY(page.detailPanel()->actionButton(QStringLiteral("payout.export")));
    const QString file = m_dir.filePath(QStringLiteral("reconciliation.csv"));
    QString error;
    QVERIFY2(page.detailPanel()->exportReconciliation(file, &error), qPrintable(error));
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(written.readAll()), csv);
    const QString unlinked = one(QStringLiteral(
        "SELECT p.id FROM payouts p WHERE p.status = 'paid' AND NOT EXISTS (SELECT 1 FROM "
        "payout_links l WHERE l.payout = p.id) ORDER BY p.created LIMIT 1"));
    QVERIFY(!unlinked.isEmpty());
    page.showObject(unlinked);
    const QString other = m_dir.filePath(QStringLiteral("unlinked.csv"));
    QVERIFY(!page.detailPanel()->exportReconciliation(other, &error));
    QVERIFY2(error.contains(QStringLiteral("not read from Stripe yet")), qPrintable(error));
    QVERIFY(!QFile::exists(other));
    page.showObject(id);
    shot(&page, QStringLiteral("payout-reconciliation"), {1280, 720});
    shot(&page, QStringLiteral("payout-reconciliation"), {1024, 640});
}

void TestPayoutPages::failedPayoutSaysWhy()
{
    const QString id = one(QStringLiteral("SELECT id FROM payouts WHERE status = 'failed'"));
    const models::ObjectDetail d
        = models::ObjectDetail::load(m_cache.database(), u"payouts"_qs, id);
    QCOMPARE(d.statusText, QStringLiteral("Failed"));
    const auto failure
        = std::find_if(d.sections.first().fields.cbegin(), d.sections.first().fields.cend(),
                       [](const auto &f) { return f.label == QLatin1String("Failure"); });
    QVERIFY(failure != d.sections.first().fields.cend());
    QCOMPARE(failure->value, QStringLiteral("The bank account has been closed."));
}

void TestPayoutPages::disputesShowTimeLeftAndTheSidebarCountsThem()
{
    ui::ListPage page(Kind::Disputes);
    // Two days before the last dispute needing a response is due.
    const qint64 due = m_cache.database().scalar(
        QStringLiteral("SELECT max(due_by) FROM disputes WHERE status = 'needs_response'"));
    QVERIFY(due > 0);
    const QDateTime now = QDateTime::fromSecsSinceEpoch(due - 2 * 86400 - 3600);
    page.listModel()->setNow(now);
    page.setReader(&m_reader);
    page.resize(1280, 720);
    page.show();
    QAbstractItemModel *m = page.table()->model();
    QTRY_VERIFY(m->rowCount() > 0);
    const int dueColumn = 4;
    int open = 0, urgent = 0, overdue = 0;
    for (int r = 0; r < m->rowCount(); ++r) {
        const QModelIndex i = m->index(r, dueColumn);
        const QString status = i.data(models::CacheTableModel::StatusRole).toString();
        const qint64 by = i.data(models::CacheTableModel::RawRole).toLongLong();
        const bool needs = status == QLatin1String("needs_response")
            || status == QLatin1String("warning_needs_response");
        if (!needs || by == 0) {
            QCOMPARE(i.data(models::CacheTableModel::UrgentRole).toBool(), false);
            continue;
        }
        ++open;
        const QString text = i.data().toString();
        const bool isUrgent = by - now.toSecsSinceEpoch() < 72 * 3600;
        QCOMPARE(i.data(models::CacheTableModel::UrgentRole).toBool(), isUrgent);
        urgent += isUrgent;
        if (by <= now.toSecsSinceEpoch()) {
            ++overdue;
            QVERIFY2(text.startsWith(QStringLiteral("Overdue")), qPrintable(text));
        } else {
            QVERIFY2(text.contains(QStringLiteral(" left · ")) || text.startsWith(u"Due today"),
                     qPrintable(text));
        }
        if (by == due)
            QVERIFY2(text.startsWith(QStringLiteral("2 days left")), qPrintable(text));
    }
    QVERIFY(open > 0);
    QVERIFY(urgent > 0);
    shot(&page, QStringLiteral("disputes"), {1280, 720});
    shot(&page, QStringLiteral("disputes"), {1024, 640});

    // The sidebar counts those needing a response.
    ui::MainWindow window({QStringLiteral("Northwind"), true, true});
    window.setCache(m_file);
    auto *nav = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    QVERIFY(nav);
    const qint64 needing = m_cache.database().scalar(
        QStringLiteral("SELECT count(*) FROM disputes WHERE status IN ('needs_response', "
                       "'warning_needs_response')"));
    QVERIFY(needing > 0);
    const auto found
        = nav->findItems(QStringLiteral("Disputes (%1)").arg(needing), Qt::MatchExactly);
    QCOMPARE(found.size(), 1);
}

QTEST_MAIN(TestPayoutPages)
#include "tst_payoutpages.moc"

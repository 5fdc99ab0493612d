#include "ui/balancepage.h"

#include "models/money.h"
#include "models/store/cachereader.h"
#include "models/views/listtablemodel.h"

#include <QDateTime>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

namespace paydesk::ui {

namespace {

QString money(qint64 amount, const QString &currency)
{
    return models::Money(amount, currency).toLabelledString(QLocale());
}

QString when(qint64 t)
{
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(t), QLocale::ShortFormat);
}

QString day(qint64 t)
{
    // Payout dates are days (midnight UTC), as Stripe gives them.
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()).date(),
                              QStringLiteral("ddd d MMM yyyy"));
}

QFrame *tile(QWidget *parent, const QString &key, const QString &title, const QString &value,
             const QString &note)
{
    auto *frame = new QFrame(parent);
    frame->setObjectName(QStringLiteral("tile_") + key);
    frame->setFrameShape(QFrame::StyledPanel);
    auto *t = new QLabel(title, frame);
    t->setForegroundRole(QPalette::PlaceholderText);
    auto *v = new QLabel(value, frame);
    v->setObjectName(QStringLiteral("tileValue"));
    v->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = v->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    v->setFont(f);
    auto *n = new QLabel(note, frame);
    n->setObjectName(QStringLiteral("tileNote"));
    n->setWordWrap(true);
    n->setForegroundRole(QPalette::PlaceholderText);
    auto *l = new QVBoxLayout(frame);
    l->setContentsMargins(12, 8, 12, 8);
    l->addWidget(t);
    l->addWidget(v);
    l->addWidget(n);
    // Read by a screen reader as one sentence.
    frame->setAccessibleName(title + QStringLiteral(": ") + value);
    frame->setAccessibleDescription(note);
    return frame;
}

} // namespace

BalancePage::BalancePage(QWidget *parent)
    : QWidget(parent)
    , m_asOf(new QLabel(this))
    , m_tileArea(new QWidget(this))
    , m_tiles(new QGridLayout(m_tileArea))
    , m_schedule(new QLabel(this))
    , m_recent(new QTableWidget(this))
{
    setObjectName(QStringLiteral("balancePage"));
    auto *title = new QLabel(tr("Balance"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    m_asOf->setObjectName(QStringLiteral("balanceAsOf"));
    m_asOf->setForegroundRole(QPalette::PlaceholderText);
    m_asOf->setWordWrap(true);
    m_schedule->setObjectName(QStringLiteral("balanceSchedule"));
    m_schedule->setWordWrap(true);
    m_tiles->setContentsMargins(0, 0, 0, 0);
    m_tiles->setSpacing(10);
    auto *recentTitle = new QLabel(tr("Latest payouts"), this);
    QFont bold = recentTitle->font();
    bold.setBold(true);
    recentTitle->setFont(bold);
    m_recent->setObjectName(QStringLiteral("recentPayouts"));
    m_recent->setColumnCount(4);
    m_recent->setHorizontalHeaderLabels({tr("Amount"), tr("Status"), tr("Arrives"), tr("Id")});
    m_recent->verticalHeader()->hide();
    m_recent->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_recent->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_recent->setSelectionMode(QAbstractItemView::SingleSelection);
    m_recent->horizontalHeader()->setStretchLastSection(true);
    m_recent->setAccessibleName(tr("Latest payouts"));
    m_recent->setToolTip(tr("Enter or double-click opens the payout and its reconciliation."));
    recentTitle->setBuddy(m_recent);
    auto open = [this](int row) {
        if (QTableWidgetItem *item = m_recent->item(row, 3))
            Q_EMIT openObject(QStringLiteral("payouts"), item->text());
    };
    connect(m_recent, &QTableWidget::cellActivated, this, [open](int row, int) { open(row); });
    auto *head = new QHBoxLayout;
    head->addWidget(title);
    head->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addLayout(head);
    layout->addWidget(m_asOf);
    layout->addWidget(m_tileArea);
    layout->addWidget(m_schedule);
    layout->addWidget(recentTitle);
    layout->addWidget(m_recent, 1);
    refresh();
}

void BalancePage::setReader(models::CacheReader *reader)
{
    m_reader = reader;
    if (reader) {
        connect(reader, &models::CacheReader::reopened, this, &BalancePage::refresh);
        connect(reader, &models::CacheReader::changed, this, [this](const QStringList &tables) {
            for (const char *t : {"sync_state", "payouts", "balance_transactions", "account"})
                if (tables.contains(QLatin1String(t)))
                    return refresh();
        });
    }
    refresh();
}

void BalancePage::refresh()
{
    const bool open = m_reader && m_reader->isOpen();
    const qint64 now = m_now > 0 ? m_now : QDateTime::currentSecsSinceEpoch();
    m_view = open ? models::payouts::readBalance(m_reader->database(), now)
                  : models::payouts::BalanceView {};
    while (QLayoutItem *item = m_tiles->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (!open)
        m_asOf->setText(tr("Connect an account or open the demo to see its balance."));
    else if (!m_view.denied.isEmpty())
        m_asOf->setText(tr("This key may not read the balance (it needs %1).").arg(m_view.denied));
    else if (!m_view.known)
        m_asOf->setText(tr("The balance is read by the next sync."));
    else
        m_asOf->setText(tr("As Stripe said at %1 (the last sync).").arg(when(m_view.fetchedAt)));
    int row = 0;
    for (const models::payouts::BalanceAmount &a : std::as_const(m_view.amounts)) {
        const QString c = a.currency;
        m_tiles->addWidget(tile(m_tileArea, QStringLiteral("available_") + c, tr("Available"),
                                money(a.available, c), tr("Can be paid out now.")),
                           row, 0);
        m_tiles->addWidget(tile(m_tileArea, QStringLiteral("pending_") + c, tr("Pending"),
                                money(a.pending, c),
                                tr("Not available yet (payments settle "
                                   "after the schedule's delay).")),
                           row, 1);
        m_tiles->addWidget(tile(m_tileArea, QStringLiteral("instant_") + c, tr("Instant available"),
                                a.hasInstant ? money(a.instantAvailable, c) : tr("—"),
                                a.hasInstant ? tr("Can be sent at once with an Instant Payout.")
                                             : tr("Instant Payouts are not set up.")),
                           row, 2);
        ++row;
    }
    if (m_view.known && m_view.nextPayoutAt > 0)
        m_tiles->addWidget(tile(m_tileArea, QStringLiteral("next"), tr("Next payout (expected)"),
                                money(m_view.nextPayoutAmount, m_view.nextPayoutCurrency),
                                tr("Initiated %1, if nothing else changes: what is available then.")
                                    .arg(day(m_view.nextPayoutAt))),
                           0, 3);
    m_tileArea->setVisible(!m_view.amounts.isEmpty());
    QString schedule;
    if (m_view.interval == QLatin1String("manual"))
        schedule = tr("Payouts are manual: nothing is paid out until someone sends a payout.");
    else if (!m_view.interval.isEmpty())
        schedule = tr("Payout schedule: %1, %2 days after a payment.")
                       .arg(models::ListTableModel::statusLabel(m_view.interval).toLower())
                       .arg(m_view.delayDays);
    else if (open)
        schedule = tr("The payout schedule is not known yet.");
    m_schedule->setText(schedule);
    m_recent->setRowCount(int(m_view.recent.size()));
    for (int i = 0; i < m_view.recent.size(); ++i) {
        const models::payouts::RecentPayout &p = m_view.recent.at(i);
        auto *amount = new QTableWidgetItem(money(p.amount, p.currency));
        amount->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_recent->setItem(i, 0, amount);
        auto *status = new QTableWidgetItem(models::ListTableModel::statusLabel(p.status));
        if (p.status == QLatin1String("failed"))
            status->setForeground(QColor(0xb3, 0x26, 0x1e));
        m_recent->setItem(i, 1, status);
        m_recent->setItem(i, 2, new QTableWidgetItem(day(p.arrival)));
        m_recent->setItem(i, 3, new QTableWidgetItem(p.id));
    }
    m_recent->resizeColumnsToContents();
}

} // namespace paydesk::ui

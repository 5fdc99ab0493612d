#include "ui/paymentspage.h"

#include "models/paymentstablemodel.h"
#include "models/sqlitedb.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace paydesk::ui {

namespace {

using models::PaymentFilter;
using models::PaymentsTableModel;

// Status as a coloured pill that also carries the text, so colour is never the only signal.
class StatusPillDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyleOptionViewItem base = option;
        initStyleOption(&base, index);
        const QString text = base.text;
        base.text.clear();
        base.widget->style()->drawControl(QStyle::CE_ItemViewItem, &base, painter, base.widget);
        const QString status = index.data(PaymentsTableModel::StatusRole).toString();
        QColor background(0xe3, 0xe8, 0xee), foreground(0x41, 0x4a, 0x57);
        if (status == QLatin1String("succeeded")) {
            background = QColor(0xd7, 0xf7, 0xc2);
            foreground = QColor(0x05, 0x69, 0x0d);
        } else if (status == QLatin1String("failed")) {
            background = QColor(0xff, 0xe7, 0xf2);
            foreground = QColor(0xb3, 0x09, 0x3c);
        } else if (status == QLatin1String("disputed")) {
            background = QColor(0xff, 0xe3, 0xc9);
            foreground = QColor(0xa4, 0x3e, 0x00);
        }
        const QFontMetrics metrics(option.font);
        const int width = metrics.horizontalAdvance(text) + 16;
        const int height = metrics.height() + 4;
        const QRect pill(option.rect.left() + 6, option.rect.center().y() - height / 2, width,
                         height);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(background);
        painter->drawRoundedRect(pill, 4, 4);
        painter->setPen(foreground);
        painter->drawText(pill, Qt::AlignCenter, text);
        painter->restore();
    }
};

} // namespace

PaymentsPage::PaymentsPage(QWidget *parent)
    : QWidget(parent)
    , m_model(new PaymentsTableModel(this))
    , m_search(new QLineEdit(this))
    , m_status(new QComboBox(this))
    , m_currency(new QComboBox(this))
    , m_range(new QComboBox(this))
    , m_count(new QLabel(this))
    , m_body(new QStackedWidget(this))
    , m_table(new QTableView(this))
    , m_empty(new QLabel(this))
    , m_searchDelay(new QTimer(this))
{
    auto *title = new QLabel(tr("Payments"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);

    m_search->setObjectName(QStringLiteral("paymentsSearch"));
    m_search->setPlaceholderText(tr("Search by id, email, name, description or last 4 digits"));
    m_search->setClearButtonEnabled(true);
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("All statuses"), int(PaymentFilter::Status::Any));
    m_status->addItem(tr("Succeeded"), int(PaymentFilter::Status::Succeeded));
    m_status->addItem(tr("Refunded"), int(PaymentFilter::Status::Refunded));
    m_status->addItem(tr("Disputed"), int(PaymentFilter::Status::Disputed));
    m_status->addItem(tr("Failed"), int(PaymentFilter::Status::Failed));
    m_status->addItem(tr("Pending"), int(PaymentFilter::Status::Pending));
    m_currency->setObjectName(QStringLiteral("currencyFilter"));
    m_currency->addItem(tr("All currencies"), QString());
    m_range->setObjectName(QStringLiteral("rangeFilter"));
    m_range->addItem(tr("All time"), 0);
    m_range->addItem(tr("Today"), 1);
    m_range->addItem(tr("Last 7 days"), 7);
    m_range->addItem(tr("Last 30 days"), 30);
    m_range->addItem(tr("Last 12 months"), 365);
    m_count->setObjectName(QStringLiteral("paymentsCount"));

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_range);
    filters->addWidget(m_status);
    filters->addWidget(m_currency);

    m_table->setObjectName(QStringLiteral("paymentsTable"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(PaymentsTableModel::Created, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(30);
    m_table->setItemDelegateForColumn(PaymentsTableModel::Status, new StatusPillDelegate(m_table));
    m_table->horizontalHeader()->setSectionResizeMode(PaymentsTableModel::Description,
                                                      QHeaderView::Stretch);
    m_table->setColumnWidth(PaymentsTableModel::Amount, 110);
    m_table->setColumnWidth(PaymentsTableModel::Status, 140);
    m_table->setColumnWidth(PaymentsTableModel::Customer, 220);
    m_table->setColumnWidth(PaymentsTableModel::PaymentMethod, 150);
    m_table->setColumnWidth(PaymentsTableModel::Created, 165);

    m_empty->setObjectName(QStringLiteral("paymentsEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_body->addWidget(m_table);
    m_body->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 12);
    layout->setSpacing(10);
    layout->addWidget(title);
    layout->addLayout(filters);
    layout->addWidget(m_count);
    layout->addWidget(m_body, 1);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(150);
    connect(m_searchDelay, &QTimer::timeout, this, &PaymentsPage::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    for (QComboBox *box : {m_status, m_currency, m_range})
        connect(box, &QComboBox::currentIndexChanged, this, &PaymentsPage::applyFilter);
    connect(m_model, &PaymentsTableModel::totalCountChanged, this, &PaymentsPage::updateCount);
    setCache({});
}

void PaymentsPage::setCache(const QString &path)
{
    m_cachePath = path;
    if (!path.isEmpty() && m_model->open(path)) {
        fillCurrencies(path);
        applyFilter();
        return;
    }
    updateCount();
}

void PaymentsPage::fillCurrencies(const QString &path)
{
    models::sql::Database db;
    if (!db.open(path, false))
        return;
    const QString current = m_currency->currentData().toString();
    QSignalBlocker block(m_currency);
    while (m_currency->count() > 1)
        m_currency->removeItem(1);
    models::sql::Statement s = db.prepare(QStringLiteral(
        "SELECT currency FROM charges WHERE currency IS NOT NULL GROUP BY currency ORDER BY "
        "count(*) DESC"));
    while (s.step())
        m_currency->addItem(s.text(0).toUpper(), s.text(0));
    m_currency->setCurrentIndex(std::max(0, m_currency->findData(current)));
}

void PaymentsPage::applyFilter()
{
    PaymentFilter f;
    f.status = PaymentFilter::Status(m_status->currentData().toInt());
    f.currency = m_currency->currentData().toString();
    f.search = m_search->text();
    const int days = m_range->currentData().toInt();
    if (days > 0) {
        const QDateTime now = QDateTime::currentDateTime();
        const QDateTime from = days == 1 ? now.date().startOfDay() : now.addDays(-days);
        f.createdFrom = from.toSecsSinceEpoch();
    }
    m_model->setFilter(f);
}

void PaymentsPage::updateCount()
{
    const qint64 total = m_model->totalCount();
    const bool filtered = !(m_model->filter() == PaymentFilter());
    const QString number = QLocale().toString(total);
    m_count->setText(m_cachePath.isEmpty()          ? QString()
                         : !m_model->isTotalExact() ? tr("More than %1 payments").arg(number)
                         : total == 1               ? tr("1 payment")
                                                    : tr("%1 payments").arg(number));
    if (m_cachePath.isEmpty())
        m_empty->setText(tr("No payments yet.\nThey appear here as soon as the first sync has "
                            "stored them."));
    else if (filtered)
        m_empty->setText(tr("No payments match these filters."));
    else
        m_empty->setText(tr("This account has no payments yet."));
    m_body->setCurrentWidget(total > 0 ? static_cast<QWidget *>(m_table) : m_empty);
}

} // namespace paydesk::ui

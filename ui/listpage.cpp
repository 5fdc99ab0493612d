#include "ui/listpage.h"

#include "models/store/cachereader.h"
#include "ui/actioncontroller.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QStyledItemDelegate>
#include <QTableView>

namespace paydesk::ui {

namespace {

// Red text for a value the model marks urgent (UrgentRole), readable in light and dark.
class UrgentTextDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (!index.data(models::CacheTableModel::UrgentRole).toBool())
            return;
        const bool dark = option->palette.color(QPalette::Base).lightness() < 128;
        option->palette.setColor(QPalette::Text,
                                 dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e));
        option->font.setBold(true);
    }
};

} // namespace

using models::ListTableModel;
using Kind = models::ListTableModel::Kind;

QString ListPage::title(Kind kind)
{
    switch (kind) {
    case Kind::Customers:
        return tr("Customers");
    case Kind::Subscriptions:
        return tr("Subscriptions");
    case Kind::Disputes:
        return tr("Disputes");
    case Kind::Invoices:
        return tr("Invoices");
    case Kind::Refunds:
        return tr("Refunds");
    case Kind::Prices:
        return tr("Products and prices");
    case Kind::Coupons:
        return tr("Coupons");
    case Kind::Payouts:
        return tr("Payouts");
    }
    return {};
}

QString ListPage::key(Kind kind)
{
    return ListTableModel::tableName(kind);
}

ListPage::ListPage(Kind kind, QWidget *parent)
    : TablePage(key(kind), title(kind), new ListTableModel(kind), parent)
    , m_list(static_cast<ListTableModel *>(model()))
    , m_kind(kind)
{
    switch (kind) {
    case Kind::Customers:
        searchField()->setPlaceholderText(tr("Search by name, email, phone, description or id"));
        break;
    case Kind::Subscriptions:
        searchField()->setPlaceholderText(tr("Search by customer email or name, or id"));
        break;
    case Kind::Invoices:
        searchField()->setPlaceholderText(
            tr("Search by invoice number, customer email or name, or id"));
        break;
    case Kind::Disputes:
    case Kind::Refunds:
        searchField()->setPlaceholderText(tr("Search by the customer's email or name, or id"));
        break;
    case Kind::Prices:
        searchField()->setPlaceholderText(tr("Search by product or price name, or id"));
        break;
    case Kind::Coupons:
        searchField()->setPlaceholderText(tr("Search by coupon name or id"));
        break;
    case Kind::Payouts:
        searchField()->setPlaceholderText(tr("Search by payout id"));
        break;
    }
    if (kind != Kind::Customers) {
        m_status = new QComboBox(this);
        m_status->setObjectName(QStringLiteral("statusFilter"));
        m_status->addItem(tr("All statuses"), QString());
        const QStringList statuses = ListTableModel::statuses(kind);
        for (const QString &status : statuses)
            m_status->addItem(ListTableModel::statusLabel(status), status);
        addFilterWidget(m_status);
    }
    if (kind == Kind::Subscriptions) {
        m_plan = new QComboBox(this);
        m_plan->setObjectName(QStringLiteral("planFilter"));
        m_plan->addItem(tr("All plans"), QString());
        addFilterWidget(m_plan);
    }
    if (kind == Kind::Customers) {
        m_country = new QComboBox(this);
        m_country->setObjectName(QStringLiteral("countryFilter"));
        m_country->addItem(tr("All countries"), QString());
        addFilterWidget(m_country);
    }
    if (kind == Kind::Disputes) {
        m_due = new QComboBox(this);
        m_due->setObjectName(QStringLiteral("dueFilter"));
        m_due->addItem(tr("Any due date"), 0);
        m_due->addItem(tr("Due within 3 days"), 3);
        m_due->addItem(tr("Due within 7 days"), 7);
        m_due->addItem(tr("Due within 14 days"), 14);
        addFilterWidget(m_due);
    }
    for (QComboBox *box : {m_status, m_plan, m_country, m_due}) {
        if (box)
            connect(box, &QComboBox::currentIndexChanged, this, &ListPage::filtersChanged);
    }
    // Fixed widths (the user's own are remembered): with the detail panel open the table
    // scrolls sideways instead of squeezing a column to nothing.
    if (kind == Kind::Customers)
        table()->setColumnWidth(1, 250);
    if (kind == Kind::Disputes) {
        const int due = 4; // Respond by: the time left, in red within 72 hours.
        table()->setItemDelegateForColumn(due, new UrgentTextDelegate(table()));
        table()->setColumnWidth(due, 170);
    }
    // The staff actions that make one of this page's objects ("New customer…").
    for (models::StaffAction a : models::staffActionsCreating(model()->table()))
        addActionButton(ActionController::label(a),
                        QLatin1String(models::staffActionInfo(a)->name));
    setCache({});
}

void ListPage::cacheChanged(const QString &)
{
    using Choice = models::CacheReader::Choice;
    auto fill = [this](QComboBox *box, Choice which) {
        const QString current = box->currentData().toString();
        QSignalBlocker block(box);
        while (box->count() > 1)
            box->removeItem(1);
        for (const auto &[value, label] : reader()->filterChoices(which))
            box->addItem(label, value);
        box->setCurrentIndex(std::max(0, box->findData(current)));
    };
    if (m_plan)
        fill(m_plan, Choice::SubscriptionProduct);
    if (m_country)
        fill(m_country, Choice::CustomerCountry);
}

void ListPage::applyFilter()
{
    models::ListFilter f;
    f.search = searchField()->text();
    createdRange(&f.createdFrom, &f.createdTo);
    if (m_status)
        f.status = m_status->currentData().toString();
    if (m_plan)
        f.plan = m_plan->currentData().toString();
    if (m_country)
        f.country = m_country->currentData().toString();
    if (m_due && m_due->currentData().toInt() > 0)
        f.dueBefore
            = QDateTime::currentDateTime().addDays(m_due->currentData().toInt()).toSecsSinceEpoch();
    f.customer = customerFilter();
    m_list->setFilter(f);
}

QList<TablePage::Chip> ListPage::chips()
{
    return standardChips({m_status, m_plan, m_country, m_due});
}

QString ListPage::countText(qint64 total, bool exact) const
{
    const QString number = QLocale().toString(total);
    QString one, many;
    switch (m_kind) {
    case Kind::Customers:
        one = tr("1 customer");
        many = tr("%1 customers");
        break;
    case Kind::Subscriptions:
        one = tr("1 subscription");
        many = tr("%1 subscriptions");
        break;
    case Kind::Disputes:
        one = tr("1 dispute");
        many = tr("%1 disputes");
        break;
    case Kind::Invoices:
        one = tr("1 invoice");
        many = tr("%1 invoices");
        break;
    case Kind::Refunds:
        one = tr("1 refund");
        many = tr("%1 refunds");
        break;
    case Kind::Prices:
        one = tr("1 price");
        many = tr("%1 prices");
        break;
    case Kind::Coupons:
        one = tr("1 coupon");
        many = tr("%1 coupons");
        break;
    case Kind::Payouts:
        one = tr("1 payout");
        many = tr("%1 payouts");
        break;
    }
    if (!exact)
        return tr("More than %1").arg(many.arg(number));
    return total == 1 ? one : many.arg(number);
}

QString ListPage::emptyText(bool noCache, bool filtered) const
{
    const QString what = title(m_kind).toLower();
    if (noCache)
        return tr("No %1 yet.\nThey appear here as soon as the first sync has stored them.")
            .arg(what);
    if (filtered)
        return tr("No %1 match these filters.").arg(what);
    return tr("This account has no %1 yet.").arg(what);
}

} // namespace paydesk::ui

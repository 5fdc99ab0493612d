#include "ui/paymentspage.h"

#include "models/store/cachereader.h"
#include "models/views/paymentstablemodel.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QTableView>

namespace paydesk::ui {

namespace {

using models::PaymentFilter;
using models::PaymentsTableModel;

// Fills a filter menu with the distinct values of a charges column, in order.
void fillFrom(QComboBox *box, models::CacheReader *reader, models::CacheReader::Choice which,
              bool upper)
{
    const QString current = box->currentData().toString();
    QSignalBlocker block(box);
    while (box->count() > 1)
        box->removeItem(1);
    for (const auto &[value, raw] : reader->filterChoices(which)) {
        QString label = upper ? raw.toUpper() : raw;
        if (!upper && !label.isEmpty())
            label[0] = label[0].toUpper();
        box->addItem(label, value);
    }
    box->setCurrentIndex(std::max(0, box->findData(current)));
}

} // namespace

PaymentsPage::PaymentsPage(QWidget *parent)
    : TablePage(QStringLiteral("payments"), tr("Payments"), new PaymentsTableModel, parent)
    , m_payments(static_cast<PaymentsTableModel *>(model()))
    , m_status(new QComboBox(this))
    , m_currency(new QComboBox(this))
    , m_brand(new QComboBox(this))
    , m_country(new QComboBox(this))
    , m_risk(new QComboBox(this))
{
    searchField()->setPlaceholderText(tr("Search by id, email, name, description or last 4"));
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("All statuses"), int(PaymentFilter::Status::Any));
    m_status->addItem(tr("Succeeded"), int(PaymentFilter::Status::Succeeded));
    m_status->addItem(tr("Refunded"), int(PaymentFilter::Status::Refunded));
    m_status->addItem(tr("Disputed"), int(PaymentFilter::Status::Disputed));
    m_status->addItem(tr("Failed"), int(PaymentFilter::Status::Failed));
    m_status->addItem(tr("Pending"), int(PaymentFilter::Status::Pending));
    m_currency->setObjectName(QStringLiteral("currencyFilter"));
    m_currency->addItem(tr("All currencies"), QString());
    m_brand->setObjectName(QStringLiteral("brandFilter"));
    m_brand->addItem(tr("All cards"), QString());
    m_country->setObjectName(QStringLiteral("countryFilter"));
    m_country->addItem(tr("All countries"), QString());
    m_risk->setObjectName(QStringLiteral("riskFilter"));
    m_risk->addItem(tr("Any risk"), QString());
    m_risk->addItem(tr("Normal risk"), QStringLiteral("normal"));
    m_risk->addItem(tr("Elevated risk"), QStringLiteral("elevated"));
    m_risk->addItem(tr("Highest risk"), QStringLiteral("highest"));
    for (QComboBox *box : {m_status, m_currency, m_brand, m_country, m_risk}) {
        addFilterWidget(box);
        connect(box, &QComboBox::currentIndexChanged, this, &PaymentsPage::filtersChanged);
    }
    table()->setColumnWidth(PaymentsTableModel::Description, 190);
    table()->setColumnWidth(PaymentsTableModel::Customer, 220);
    table()->setColumnWidth(PaymentsTableModel::PaymentMethod, 150);
    setCache({});
}

void PaymentsPage::cacheChanged(const QString &)
{
    using Choice = models::CacheReader::Choice;
    fillFrom(m_currency, reader(), Choice::PaymentCurrency, true);
    fillFrom(m_brand, reader(), Choice::PaymentCardBrand, false);
    fillFrom(m_country, reader(), Choice::PaymentCardCountry, true);
}

void PaymentsPage::applyFilter()
{
    PaymentFilter f;
    f.status = PaymentFilter::Status(m_status->currentData().toInt());
    f.currency = m_currency->currentData().toString();
    f.cardBrand = m_brand->currentData().toString();
    f.country = m_country->currentData().toString();
    f.riskLevel = m_risk->currentData().toString();
    f.customer = customerFilter();
    f.search = searchField()->text();
    createdRange(&f.createdFrom, &f.createdTo);
    m_payments->setFilter(f);
}

QList<TablePage::Chip> PaymentsPage::chips()
{
    return standardChips({m_status, m_currency, m_brand, m_country, m_risk});
}

QString PaymentsPage::countText(qint64 total, bool exact) const
{
    const QString number = QLocale().toString(total);
    return !exact    ? tr("More than %1 payments").arg(number)
        : total == 1 ? tr("1 payment")
                     : tr("%1 payments").arg(number);
}

QString PaymentsPage::emptyText(bool noCache, bool filtered) const
{
    if (noCache)
        return tr("No payments yet.\nThey appear here as soon as the first sync has stored them.");
    if (filtered)
        return tr("No payments match these filters.");
    return tr("This account has no payments yet.");
}

} // namespace paydesk::ui

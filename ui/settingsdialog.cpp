#include "ui/settingsdialog.h"

#include "models/currency.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimeZone>
#include <QVBoxLayout>

namespace paydesk::ui {

SettingsDialog::SettingsDialog(const Values &v, const QStringList &currencies,
                               bool webhookSecretStored, QWidget *parent)
    : QDialog(parent)
    , m_syncMinutes(new QSpinBox(this))
    , m_webhooks(new QCheckBox(tr("Listen for webhooks on 127.0.0.1"), this))
    , m_webhookPort(new QSpinBox(this))
    , m_webhookSecret(new QLineEdit(this))
    , m_theme(new QComboBox(this))
    , m_threshold(new QSpinBox(this))
    , m_readOnly(new QCheckBox(tr("Read-only: staff actions are off"), this))
    , m_currency(new QComboBox(this))
    , m_timeZone(new QComboBox(this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    m_syncMinutes->setObjectName(QStringLiteral("syncMinutes"));
    m_syncMinutes->setRange(0, 24 * 60);
    m_syncMinutes->setSuffix(tr(" min"));
    m_syncMinutes->setSpecialValueText(tr("Off"));
    m_syncMinutes->setValue(v.syncMinutes);
    m_webhooks->setObjectName(QStringLiteral("webhooks"));
    m_webhooks->setChecked(v.webhooks);
    m_webhookPort->setObjectName(QStringLiteral("webhookPort"));
    m_webhookPort->setRange(0, 65535);
    m_webhookPort->setSpecialValueText(tr("Any free port"));
    m_webhookPort->setValue(v.webhookPort);
    m_webhookSecret->setObjectName(QStringLiteral("webhookSecret"));
    m_webhookSecret->setEchoMode(QLineEdit::Password);
    m_webhookSecret->setPlaceholderText(webhookSecretStored
                                            ? tr("Stored in the keychain (type to replace)")
                                            : QStringLiteral("whsec_…"));
    m_theme->setObjectName(QStringLiteral("theme"));
    m_theme->addItem(tr("Follow the system"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(v.theme)));
    m_threshold->setObjectName(QStringLiteral("refundThreshold"));
    m_threshold->setRange(0, 1000000000);
    m_threshold->setSpecialValueText(tr("Never"));
    m_threshold->setValue(int(std::min<qint64>(v.refundThreshold, 1000000000)));
    m_readOnly->setObjectName(QStringLiteral("readOnly"));
    m_readOnly->setChecked(v.readOnly);
    m_currency->setObjectName(QStringLiteral("reportingCurrency"));
    m_currency->addItem(tr("The account's most used"), QString());
    QStringList offered = currencies;
    if (!v.reportingCurrency.isEmpty() && !offered.contains(v.reportingCurrency))
        offered.append(v.reportingCurrency);
    for (const QString &c : std::as_const(offered))
        m_currency->addItem(models::currency::normalized(c), c.toLower());
    m_currency->setCurrentIndex(std::max(0, m_currency->findData(v.reportingCurrency)));
    m_timeZone->setObjectName(QStringLiteral("timeZone"));
    m_timeZone->addItem(tr("UTC (as Stripe reports)"), QStringLiteral("UTC"));
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        if (id.contains('/') && !id.startsWith("Etc/"))
            m_timeZone->addItem(QString::fromUtf8(id), QString::fromUtf8(id));
    if (m_timeZone->findData(v.timeZone) < 0)
        m_timeZone->addItem(v.timeZone, v.timeZone);
    m_timeZone->setToolTip(tr("The calendar of the charts' and reports' days, weeks and months. "
                              "UTC is the fastest; a zone such as +5:30 is computed from every "
                              "payment (exact, slower on very large accounts)."));
    m_timeZone->setCurrentIndex(std::max(0, m_timeZone->findData(v.timeZone)));
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b3093c;"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Sync automatically every"), m_syncMinutes);
    form->addRow(QString(), m_webhooks);
    form->addRow(tr("Webhook port"), m_webhookPort);
    form->addRow(tr("Webhook signing secret"), m_webhookSecret);
    form->addRow(tr("Theme"), m_theme);
    form->addRow(tr("Ask for a refund's amount twice from"), m_threshold);
    form->addRow(QString(), m_readOnly);
    form->addRow(tr("Reporting currency"), m_currency);
    form->addRow(tr("Reporting time zone"), m_timeZone);
    auto *hint = new QLabel(
        tr("The refund threshold is in major units of the payment's currency (500 = $500.00, "
           "¥500). The webhook listener takes what `stripe listen --forward-to "
           "http://127.0.0.1:PORT/webhook` forwards and checks each event's signature."),
        this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    setMinimumWidth(600);

    auto sync = [this] {
        m_webhookPort->setEnabled(m_webhooks->isChecked());
        m_webhookSecret->setEnabled(m_webhooks->isChecked());
    };
    sync();
    connect(m_webhooks, &QCheckBox::toggled, this, sync);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
}

SettingsDialog::Values SettingsDialog::load()
{
    QSettings s;
    Values v;
    v.syncMinutes = s.value(QStringLiteral("sync/intervalMinutes"), 15).toInt();
    v.webhooks = s.value(QStringLiteral("webhooks/enabled"), false).toBool();
    v.webhookPort = s.value(QStringLiteral("webhooks/port"), 0).toInt();
    v.theme = s.value(QStringLiteral("appearance/theme"), QStringLiteral("system")).toString();
    v.refundThreshold = s.value(QStringLiteral("actions/refundConfirmThreshold"), 500).toLongLong();
    v.readOnly = s.value(QStringLiteral("actions/readOnly"), false).toBool();
    v.reportingCurrency = s.value(QStringLiteral("reporting/currency")).toString();
    v.timeZone = s.value(QStringLiteral("reporting/timeZone"), QStringLiteral("UTC")).toString();
    return v;
}

void SettingsDialog::save(const Values &v)
{
    QSettings s;
    s.setValue(QStringLiteral("sync/intervalMinutes"), v.syncMinutes);
    s.setValue(QStringLiteral("webhooks/enabled"), v.webhooks);
    s.setValue(QStringLiteral("webhooks/port"), v.webhookPort);
    s.setValue(QStringLiteral("appearance/theme"), v.theme);
    s.setValue(QStringLiteral("actions/refundConfirmThreshold"), v.refundThreshold);
    s.setValue(QStringLiteral("actions/readOnly"), v.readOnly);
    s.setValue(QStringLiteral("reporting/currency"), v.reportingCurrency);
    s.setValue(QStringLiteral("reporting/timeZone"), v.timeZone);
}

QString SettingsDialog::problem(const Values &v)
{
    if (v.syncMinutes < 0 || v.syncMinutes > 24 * 60)
        return tr("The sync interval is from 1 minute to 24 hours, or off.");
    if (v.webhooks && (v.webhookPort < 0 || v.webhookPort > 65535))
        return tr("The webhook port is from 1 to 65535 (or any free port).");
    if (v.webhooks && v.webhookPort > 0 && v.webhookPort < 1024)
        return tr("Ports below 1024 need administrator rights: choose 1024 or above.");
    if (!v.webhookSecret.isEmpty() && !v.webhookSecret.startsWith(QLatin1String("whsec_")))
        return tr("A webhook signing secret starts with whsec_ (from `stripe listen` or the "
                  "Dashboard's webhook endpoint).");
    if (v.webhookSecret.contains(QLatin1Char(' ')))
        return tr("The webhook signing secret has no spaces.");
    if (v.refundThreshold < 0)
        return tr("The refund threshold cannot be negative.");
    if (v.timeZone != QLatin1String("UTC") && !QTimeZone(v.timeZone.toUtf8()).isValid())
        return tr("%1 is not a time zone this system knows.").arg(v.timeZone);
    return {};
}

SettingsDialog::Values SettingsDialog::values() const
{
    Values v;
    v.syncMinutes = m_syncMinutes->value();
    v.webhooks = m_webhooks->isChecked();
    v.webhookPort = m_webhookPort->value();
    v.webhookSecret = m_webhookSecret->text().trimmed();
    v.theme = m_theme->currentData().toString();
    v.refundThreshold = m_threshold->value();
    v.readOnly = m_readOnly->isChecked();
    v.reportingCurrency = m_currency->currentData().toString();
    v.timeZone = m_timeZone->currentData().toString();
    return v;
}

void SettingsDialog::accept()
{
    const QString p = problem(values());
    if (!p.isEmpty()) {
        m_error->setText(p);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace paydesk::ui

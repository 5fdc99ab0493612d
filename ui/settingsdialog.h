#pragma once

#include <QDialog>
#include <QString>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace paydesk::ui {

/*
 * Settings (QSettings, never a secret): automatic sync interval, the webhook listener (on/off,
 * port; its signing secret is handed to the caller for the keychain), theme, refund
 * confirmation threshold, read-only mode, default reporting currency and time zone. OK checks
 * every field first and says what is wrong next to it.
 */
class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    struct Values
    {
        int syncMinutes = 15; // 0: no automatic sync.
        bool webhooks = false;
        int webhookPort = 0; // 0: a free port.
        QString webhookSecret; // whsec_…; empty: unchanged.
        QString theme = QStringLiteral("system");
        qint64 refundThreshold = 500; // Major units; 0: never ask twice.
        bool readOnly = false;
        QString reportingCurrency; // Lower case; empty: the account's most used.
        QString timeZone = QStringLiteral("UTC");
    };

    // `currencies`: what the cache offers for the reporting currency.
    SettingsDialog(const Values &values, const QStringList &currencies, bool webhookSecretStored,
                   QWidget *parent = nullptr);

    static Values load();
    static void save(const Values &values); // Everything but the webhook secret.
    // Why the values cannot be used; empty when they can.
    static QString problem(const Values &values);
    Values values() const;

    void accept() override;

private:
    QSpinBox *m_syncMinutes;
    QCheckBox *m_webhooks;
    QSpinBox *m_webhookPort;
    QLineEdit *m_webhookSecret;
    QComboBox *m_theme;
    QSpinBox *m_threshold;
    QCheckBox *m_readOnly;
    QComboBox *m_currency;
    QComboBox *m_timeZone;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace paydesk::ui

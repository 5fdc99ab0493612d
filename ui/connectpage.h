#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QProgressBar;

class QCheckBox;

namespace paydesk::ui {

/*
 * The first-run screen: paste a secret or restricted key (checked for its form here, then by
 * the application with GET /v1/account) or open the demo merchant. The key never leaves the
 * field except through connectRequested(); the field is a password field.
 */
class ConnectPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectPage(QWidget *parent = nullptr);

    // Why a key cannot be used, before anything is sent; empty when its form is right.
    static QString keyProblem(const QString &key);
    // While the key is being checked: the form is disabled and a busy bar shows.
    void setBusy(bool busy, const QString &message = {});
    void setError(const QString &message);
    QLineEdit *keyField() const { return m_key; }
    // The profile the key is for (a new one, or the one whose key is missing) and whether to
    // keep the key in the system keychain.
    QLineEdit *profileField() const { return m_profile; }
    QCheckBox *rememberBox() const { return m_remember; }
    void setProfileName(const QString &name);
    QString profileName() const;
    bool rememberKey() const;

Q_SIGNALS:
    void connectRequested(const QByteArray &key);
    void demoRequested();

private:
    void submit();

    QLineEdit *m_key;
    QLineEdit *m_profile;
    QCheckBox *m_remember;
    QPushButton *m_connect;
    QPushButton *m_demo;
    QLabel *m_error;
    QLabel *m_busyText;
    QProgressBar *m_busy;
};

} // namespace paydesk::ui

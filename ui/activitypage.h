#pragma once

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace paydesk::models {
class CacheReader;
}

namespace paydesk::ui {

class ActionController;

/*
 * The Activity page: every staff action of the outbox with its state (pending, sent,
 * succeeded, failed), attempts and Stripe's Request-Id, and the audit log of every outcome
 * (time, OS user, profile, mode, action, object, amount, result, Request-Id), exportable to
 * CSV. Pending actions can be sent again at once; the read-only switch turns actions off.
 */
class ActivityPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ActivityPage(QWidget *parent = nullptr);

    // Reads through the window's reader: again when the outbox or the audit log changed.
    void setReader(models::CacheReader *reader);
    void setCache(const QString &path);
    void setController(ActionController *controller);
    void refresh();
    QTableWidget *outboxTable() const { return m_outbox; }
    QTableWidget *auditTable() const { return m_audit; }
    QCheckBox *readOnlyBox() const { return m_readOnly; }
    // Writes the whole audit log as CSV; returns the rows written or -1.
    qint64 exportAudit(const QString &file, QString *error = nullptr);

Q_SIGNALS:
    void refreshed();

private:
    void showMenu(QTableWidget *table, const QPoint &pos);

    QPointer<models::CacheReader> m_reader;
    ActionController *m_controller = nullptr;
    QLabel *m_summary;
    QTableWidget *m_outbox;
    QTableWidget *m_audit;
    QPushButton *m_resend;
    QPushButton *m_export;
    QCheckBox *m_readOnly;
};

} // namespace paydesk::ui

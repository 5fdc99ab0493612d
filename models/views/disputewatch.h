#pragma once

#include "models/store/sqlitedb.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace paydesk::models {

// A dispute that still needs a response, as the watch reads it.
struct OpenDispute
{
    QString id;
    qint64 amount = 0;
    QString currency;
    QString reason;
    qint64 dueBy = 0; // 0: no deadline.
    qint64 created = 0;
};

// What the window tells the user about disputes.
struct DisputeAlert
{
    enum class Kind { New, DueSoon };
    Kind kind = Kind::New;
    QStringList ids; // The disputes it is about (one, or several at start).
    QString title; // "New dispute", "Disputes due within 72 hours".
    QString text; // "$40.00 · Fraudulent · respond by Dec 12".
};

/*
 * Decides which desktop notifications the disputes deserve, each said once: a dispute that
 * arrives while the window is open ("New dispute"), and one whose deadline comes within 72 hours
 * ("Dispute due within 72 hours"). The first reading is the baseline: disputes already there
 * are not "new", but those due within 72 hours are told in one notification.
 */
class DisputeWatch
{
public:
    static constexpr qint64 kDueSoon = 72 * 3600;

    // The disputes that need a response, soonest deadline first.
    static QList<OpenDispute> read(sql::Database &db);
    // The alerts owed for the disputes open now.
    QList<DisputeAlert> update(const QList<OpenDispute> &open, qint64 now);
    bool hasBaseline() const { return m_baseline; }

private:
    bool m_baseline = false;
    QSet<QString> m_known;
    QSet<QString> m_toldDue;
};

} // namespace paydesk::models

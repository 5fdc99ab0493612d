#pragma once

#include "models/store/sqlitedb.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace paydesk::models {

// One line of a detail panel; `link` ("customers/cus_…") makes the value open that object.
struct DetailField
{
    QString label;
    QString value;
    QString link;
};

struct DetailSection
{
    QString title;
    QList<DetailField> fields;
};

/*
 * Everything the detail panel of one cached object shows, read from the cache in a handful of
 * indexed queries and formatted (money per currency, local dates). Payments: amount, status,
 * fee and net from the balance transaction, timeline (created, succeeded or failed with the
 * reason, refunds, disputes), payment method, Radar risk, customer, metadata, receipt.
 * Customers: profile, lifetime spend, payments, subscriptions, invoices, payment methods.
 * Subscriptions: items and plan, status, period, trial, discount, cancellation, invoices.
 * Invoices: every cached line (period, quantity × unit amount, discount, tax, proration), the
 * totals, the status history, the payment attempts and the hosted page and PDF.
 * Disputes and refunds: their fields and links to what they belong to.
 */
struct ObjectDetail
{
    bool found = false;
    QString table; // "charges", "customers", …
    QString id;
    QString title; // "$18.00", "Ada Lovelace".
    QString subtitle; // What it is: "Payment · Espresso grinder".
    QString status; // Stripe's value, for the pill; may be empty.
    QString statusText;
    QList<DetailSection> sections;
    QByteArray raw; // The cached Stripe JSON.

    static ObjectDetail load(sql::Database &db, const QString &table, const QString &id);
    // The Stripe Dashboard page of an object ("…/test/payments/ch_…" for test data).
    static QString dashboardUrl(const QString &table, const QString &id, bool testMode);
    // The cache table an id belongs to, from its prefix ("cus_" → customers); empty if unknown.
    static QString tableForId(const QString &id);
};

} // namespace paydesk::models

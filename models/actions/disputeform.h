#pragma once

#include "models/actions/outbox.h"
#include "models/actions/staffinput.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace paydesk::models::disputeform {

/*
 * The rules of a dispute response, shared by the window's response form and `paydesk dispute
 * evidence`: what Stripe's guidance asks for each dispute reason, what each evidence field
 * means, and what the form must hold before anything is sent (known fields, files Stripe takes,
 * the length limit, something to send). The steps of a response: each file uploaded once
 * (POST /v1/files), then the evidence saved as a draft or submitted once.
 */

// What Stripe's guidance asks for a dispute of one reason.
struct Guidance
{
    QString reason; // Stripe's value: "product_not_received".
    QString title; // "Product not received".
    QString advice; // What the response has to show, in a sentence or two.
    QStringList fields; // The evidence fields that show it, most important first.
};

Guidance guidanceFor(const QString &reason);
// The label of an evidence field ("Shipping tracking number") and what it is for (from Stripe's
// reference).
QString fieldLabel(const QString &field);
QString fieldHelp(const QString &field);
bool isFileField(const QString &field);

// A file attached to one evidence field, read and not uploaded yet.
struct EvidenceFile
{
    QString field;
    QString fileName;
    QByteArray content;
};

// What is wrong with a response before anything is sent ("" message when nothing): an unknown
// text or file field, a file Stripe refuses (type, size, empty), a field given both as text
// and as a file, more text than Stripe takes (150,000 characters), or nothing to send.
InputProblem problem(const QMap<QString, QString> &fields, const QList<EvidenceFile> &files,
                     bool submit);
// Stripe's limit on the evidence's text, all fields together.
constexpr qsizetype kMaxEvidenceText = 150000;

// The intent of a response (the same response twice is one): the dispute, each field's text,
// each file's SHA-256, and whether it is submitted.
QString intentOf(const QString &dispute, const QMap<QString, QString> &fields,
                 const QList<EvidenceFile> &files, bool submit);

// The evidence already on the dispute (a saved draft or what was submitted): its non-empty
// fields; file fields hold the file ids.
QMap<QString, QString> currentEvidence(const QJsonObject &dispute);

} // namespace paydesk::models::disputeform

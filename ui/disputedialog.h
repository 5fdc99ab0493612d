#pragma once

#include "models/actions/disputeform.h"
#include "ui/actiondialog.h"

#include <QJsonObject>
#include <QMap>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace paydesk::ui {

/*
 * Responds to a dispute as the Stripe Dashboard does: what the bank was told (reason, amount,
 * deadline) and what Stripe's guidance asks for that reason, the evidence fields it names
 * (filled in with a draft saved before; any other field can be added), files attached to the
 * evidence fields that take one (PDF, PNG or JPEG up to 5 MB, checked before anything is sent),
 * then saved as a draft or submitted — which can be done once, so it needs its own
 * confirmation. Each file is uploaded once (its own outbox step, found again by its hash), then
 * the evidence is sent once; a response asked for again goes on from its first unconfirmed
 * step.
 */
class DisputeResponseDialog final : public ActionDialog
{
    Q_OBJECT
public:
    DisputeResponseDialog(const QJsonObject &dispute, const QString &customerLabel,
                          const Options &options, QWidget *parent = nullptr);

    // The text field of an evidence field shown (null when not shown).
    QWidget *fieldEditor(const QString &field) const { return m_editors.value(field); }
    QString fieldText(const QString &field) const;
    void setFieldText(const QString &field, const QString &text);
    // Shows an evidence text field that is not shown yet (for the "Add a field" menu).
    void addField(const QString &field);
    QComboBox *addFieldBox() const { return m_addField; }
    QComboBox *fileFieldBox() const { return m_fileField; }
    QPushButton *attachButton() const { return m_attach; }
    QPushButton *removeFileButton() const { return m_removeFile; }
    QTableWidget *filesTable() const { return m_files; }
    QCheckBox *submitBox() const { return m_submit; }
    QCheckBox *onceBox() const { return m_once; }
    // Attaches `content` to the file field chosen (what "Attach file…" does once the file is
    // read); returns the problem with the file ("" when it is attached).
    QString attachFile(const QString &field, const QString &fileName, const QByteArray &content);
    // The response as it will be sent from the form now.
    QMap<QString, QString> fieldsToSend() const;
    QList<models::disputeform::EvidenceFile> attachedFiles() const { return m_attached; }

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;
    bool nextStep(const QJsonObject &answer, models::OutboxAction *next) override;
    QString stepText() const override;
    QString stoppedText() const override;
    qint64 resumeEntry() const override { return m_resume; }
    bool startsLaterStep() const override { return m_done > 0; }

private:
    void chooseFile();
    void removeFile();
    void refresh();
    void fillFiles();
    // Step `step` of the response being sent: the files not uploaded yet, then the evidence.
    models::OutboxAction stepAction(int step) const;
    int stepCount() const { return int(m_toUpload.size()) + 1; }

    QJsonObject m_dispute;
    QString m_id;
    QString m_customer;
    QString m_amount;
    QMap<QString, QString> m_current; // The evidence on the dispute now.
    QMap<QString, QWidget *> m_editors;
    QList<models::disputeform::EvidenceFile> m_attached;
    QFormLayout *m_fieldsForm;
    QComboBox *m_addField;
    QComboBox *m_fileField;
    QPushButton *m_attach;
    QPushButton *m_removeFile;
    QTableWidget *m_files;
    QCheckBox *m_submit;
    QCheckBox *m_once;
    // The response being sent, once confirmed.
    QMap<QString, QString> m_sendFields;
    QList<models::disputeform::EvidenceFile> m_toUpload; // Not uploaded before.
    QMap<QString, QString> m_fileIds; // Field → uploaded file id.
    bool m_sendSubmit = false;
    QString m_intent;
    int m_done = 0;
    qint64 m_resume = -1;
};

/*
 * Accepts a dispute (POST /v1/disputes/ID/close): the merchant concedes, the amount and the
 * dispute fee stay withdrawn, and nothing can be submitted after. Refused as Stripe would for a
 * dispute closed or already submitted.
 */
class AcceptDisputeDialog final : public ActionDialog
{
    Q_OBJECT
public:
    AcceptDisputeDialog(const QJsonObject &dispute, const QString &customerLabel,
                        const Options &options, QWidget *parent = nullptr);

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    QString m_id;
    QString m_customer;
    QString m_amount;
};

/*
 * Approves a payment's open Radar review: the review closes as approved and the payment stays
 * as it is (a refund as fraudulent is the other way out).
 */
class ApproveReviewDialog final : public ActionDialog
{
    Q_OBJECT
public:
    // `charge` with its review expanded (models::withFraudSignals()).
    ApproveReviewDialog(const QJsonObject &charge, const QString &customerLabel,
                        const Options &options, QWidget *parent = nullptr);

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    QString m_review;
    QString m_charge;
    QString m_customer;
    QString m_amount;
};

} // namespace paydesk::ui

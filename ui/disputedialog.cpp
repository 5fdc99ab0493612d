#include "ui/disputedialog.h"

#include "models/actions/staffactions.h"
#include "models/money.h"
#include "models/views/listtablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace paydesk::ui {

namespace df = models::disputeform;

namespace {

// Fields of a line: names, addresses of the net, carriers, numbers and dates.
bool isShortField(const QString &field)
{
    static const QStringList shortFields {QStringLiteral("customer_name"),
                                          QStringLiteral("customer_email_address"),
                                          QStringLiteral("customer_purchase_ip"),
                                          QStringLiteral("shipping_carrier"),
                                          QStringLiteral("shipping_tracking_number"),
                                          QStringLiteral("shipping_date"),
                                          QStringLiteral("service_date"),
                                          QStringLiteral("duplicate_charge_id")};
    return shortFields.contains(field);
}

QString amountOf(const QJsonObject &dispute)
{
    return models::Money(dispute.value(QStringLiteral("amount")).toInteger(),
                         dispute.value(QStringLiteral("currency")).toString())
        .toString(QLocale());
}

qint64 dueBy(const QJsonObject &dispute)
{
    return dispute.value(QStringLiteral("evidence_details"))
        .toObject()
        .value(QStringLiteral("due_by"))
        .toInteger();
}

QString sizeText(qsizetype bytes)
{
    return bytes >= 1024 * 1024
        ? DisputeResponseDialog::tr("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1)
        : DisputeResponseDialog::tr("%1 KB").arg((bytes + 1023) / 1024);
}

// The evidence fields' scroll area asks for a few fields' height, not all of them.
class EvidenceScroll final : public QScrollArea
{
public:
    using QScrollArea::QScrollArea;
    QSize sizeHint() const override { return {QScrollArea::sizeHint().width(), 170}; }
};

} // namespace

DisputeResponseDialog::DisputeResponseDialog(const QJsonObject &dispute,
                                             const QString &customerLabel, const Options &options,
                                             QWidget *parent)
    : ActionDialog(tr("Respond to dispute"), tr("Save draft"), options, parent)
    , m_dispute(dispute)
    , m_id(dispute.value(QStringLiteral("id")).toString())
    , m_customer(customerLabel)
    , m_amount(amountOf(dispute))
    , m_current(df::currentEvidence(dispute))
    , m_fieldsForm(new QFormLayout)
    , m_addField(new QComboBox(this))
    , m_fileField(new QComboBox(this))
    , m_attach(new QPushButton(tr("Attach file…"), this))
    , m_removeFile(new QPushButton(tr("Remove"), this))
    , m_files(new QTableWidget(0, 3, this))
    , m_submit(new QCheckBox(tr("Submit to the bank now"), this))
    , m_once(new QCheckBox(tr("I understand it is submitted once and cannot be changed"), this))
{
    setObjectName(QStringLiteral("disputeResponseDialog"));
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    const df::Guidance guidance
        = df::guidanceFor(dispute.value(QStringLiteral("reason")).toString());

    auto *what = new QLabel(tr("%1 · %2 · %3").arg(m_amount, guidance.title, customerLabel), this);
    what->setTextFormat(Qt::PlainText);
    what->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form()->addRow(tr("Dispute"), what);
    const qint64 due = dueBy(dispute);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    auto *deadline = new QLabel(
        due > 0 ? tr("%1 (%2)").arg(
            QLocale().toString(QDateTime::fromSecsSinceEpoch(due), QLocale::ShortFormat),
            models::ListTableModel::timeLeftText(due, now))
                : tr("No deadline: the bank takes no response"),
        this);
    deadline->setObjectName(QStringLiteral("disputeDeadline"));
    if (due > 0 && due - now < 72 * 3600)
        deadline->setStyleSheet(QStringLiteral("color: #b3261e; font-weight: bold;"));
    form()->addRow(tr("Respond by"), deadline);
    // What Stripe's guidance asks for, across the form's width.
    auto *advice = new QLabel(guidance.advice, this);
    advice->setObjectName(QStringLiteral("disputeGuidance"));
    advice->setWordWrap(true);
    advice->setMinimumWidth(480);
    advice->setMinimumHeight(advice->heightForWidth(560));
    form()->addRow(advice);

    // The evidence fields, in a scroll area: the guidance's text fields, then any added.
    auto *fieldsWidget = new QWidget(this);
    fieldsWidget->setLayout(m_fieldsForm);
    m_fieldsForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto *scroll = new EvidenceScroll(this);
    scroll->setObjectName(QStringLiteral("evidenceFields"));
    scroll->setWidgetResizable(true);
    scroll->setWidget(fieldsWidget);
    scroll->setFrameShape(QFrame::NoFrame);
    // It takes the height the dialog has (150 px at least), not its fields' whole height: the
    // form fits a 640 px high screen and grows with the window.
    scroll->setMinimumHeight(150);
    scroll->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    form()->addRow(scroll);
    QStringList shown;
    for (const QString &f : guidance.fields)
        if (!df::isFileField(f))
            shown << f;
    // A draft's fields are shown even when the guidance does not name them.
    for (auto it = m_current.cbegin(); it != m_current.cend(); ++it)
        if (!df::isFileField(it.key()) && !shown.contains(it.key()))
            shown << it.key();
    for (const QString &f : std::as_const(shown))
        addField(f);
    // The keyboard starts in the first field the guidance asks for.
    if (!shown.isEmpty())
        m_editors.value(shown.constFirst())->setFocus(Qt::OtherFocusReason);
    m_addField->setObjectName(QStringLiteral("addEvidenceField"));
    m_addField->setAccessibleName(tr("Add an evidence field"));
    connect(m_addField, &QComboBox::activated, this, [this](int index) {
        const QString field = m_addField->itemData(index).toString();
        if (!field.isEmpty())
            addField(field);
        m_addField->setCurrentIndex(0);
    });
    form()->addRow(tr("More fields"), m_addField);
    registerField(QStringLiteral("evidence"), scroll);

    // Files: the ones on the dispute already, and those attached here.
    m_files->setObjectName(QStringLiteral("evidenceFiles"));
    m_files->setAccessibleName(tr("Evidence files"));
    m_files->setHorizontalHeaderLabels({tr("Field"), tr("File"), tr("Size")});
    m_files->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_files->verticalHeader()->hide();
    m_files->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_files->setSelectionMode(QAbstractItemView::SingleSelection);
    m_files->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_files->setTabKeyNavigation(false);
    m_files->setMinimumHeight(72);
    m_files->setMaximumHeight(96);
    form()->addRow(tr("Files"), m_files);
    m_fileField->setObjectName(QStringLiteral("evidenceFileField"));
    m_fileField->setAccessibleName(tr("Evidence field of the file"));
    // The guidance's file fields first.
    QStringList fileFields;
    for (const QString &f : guidance.fields)
        if (df::isFileField(f))
            fileFields << f;
    for (const QString &f : models::staffactions::disputeFileFields())
        if (!fileFields.contains(f))
            fileFields << f;
    for (const QString &f : std::as_const(fileFields))
        m_fileField->addItem(df::fieldLabel(f), f);
    m_fileField->setToolTip(df::fieldHelp(fileFields.value(0)));
    connect(m_fileField, &QComboBox::currentIndexChanged, this, [this] {
        m_fileField->setToolTip(df::fieldHelp(m_fileField->currentData().toString()));
    });
    m_attach->setObjectName(QStringLiteral("attachEvidenceFile"));
    m_attach->setToolTip(tr("A PDF, PNG or JPEG file of at most 5 MB"));
    m_removeFile->setObjectName(QStringLiteral("removeEvidenceFile"));
    connect(m_attach, &QPushButton::clicked, this, &DisputeResponseDialog::chooseFile);
    connect(m_removeFile, &QPushButton::clicked, this, &DisputeResponseDialog::removeFile);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_fileField, 1);
    fileRow->addWidget(m_attach);
    fileRow->addWidget(m_removeFile);
    form()->addRow(QString(), fileRow);
    registerField(QStringLiteral("files"), m_files);

    m_submit->setObjectName(QStringLiteral("submitEvidence"));
    m_submit->setToolTip(tr("Unticked, the evidence is saved as a draft on the dispute and can "
                            "still be changed; submitted, the bank reviews it."));
    m_once->setObjectName(QStringLiteral("submitOnce"));
    m_once->setEnabled(false);
    form()->addRow(QString(), m_submit);
    form()->addRow(QString(), m_once);
    registerField(QStringLiteral("once"), m_once);
    connect(m_submit, &QCheckBox::toggled, this, [this](bool on) {
        m_once->setEnabled(on);
        if (!on)
            m_once->setChecked(false);
        refresh();
    });
    connect(m_once, &QCheckBox::toggled, this, [this] { formChanged(); });
    fillFiles();
    refresh();
    blockUnlessAllowed(models::StaffAction::DisputeEvidence, dispute);
    setMinimumWidth(600);
    resize(640, sizeHint().height());
}

void DisputeResponseDialog::addField(const QString &field)
{
    if (m_editors.contains(field) || !models::staffactions::disputeTextFields().contains(field))
        return;
    QWidget *editor = nullptr;
    const QString value = m_current.value(field);
    if (isShortField(field)) {
        auto *line = new QLineEdit(value, this);
        connect(line, &QLineEdit::textChanged, this, [this] { formChanged(); });
        editor = line;
    } else {
        auto *text = new QPlainTextEdit(value, this);
        text->setTabChangesFocus(true);
        text->setFixedHeight(text->fontMetrics().lineSpacing() * 3 + 12);
        connect(text, &QPlainTextEdit::textChanged, this, [this] { formChanged(); });
        editor = text;
    }
    editor->setObjectName(QStringLiteral("evidence_") + field);
    editor->setAccessibleName(df::fieldLabel(field));
    editor->setAccessibleDescription(df::fieldHelp(field));
    editor->setToolTip(df::fieldHelp(field));
    m_fieldsForm->addRow(df::fieldLabel(field), editor);
    m_editors.insert(field, editor);
    registerField(field, editor);
    // The menu offers the fields not shown yet.
    m_addField->clear();
    m_addField->addItem(tr("Add another field…"), QString());
    for (const QString &f : models::staffactions::disputeTextFields())
        if (!m_editors.contains(f))
            m_addField->addItem(df::fieldLabel(f), f);
    if (editor->isVisible() || isVisible())
        editor->setFocus(Qt::OtherFocusReason);
}

QString DisputeResponseDialog::fieldText(const QString &field) const
{
    QWidget *w = m_editors.value(field);
    if (auto *line = qobject_cast<QLineEdit *>(w))
        return line->text();
    if (auto *text = qobject_cast<QPlainTextEdit *>(w))
        return text->toPlainText();
    return {};
}

void DisputeResponseDialog::setFieldText(const QString &field, const QString &text)
{
    addField(field);
    QWidget *w = m_editors.value(field);
    if (auto *line = qobject_cast<QLineEdit *>(w))
        line->setText(text);
    else if (auto *edit = qobject_cast<QPlainTextEdit *>(w))
        edit->setPlainText(text);
}

QMap<QString, QString> DisputeResponseDialog::fieldsToSend() const
{
    // What changed: a new or edited text, or a saved one cleared ("" clears it at Stripe).
    QMap<QString, QString> fields;
    for (auto it = m_editors.cbegin(); it != m_editors.cend(); ++it) {
        const QString text = fieldText(it.key()).trimmed();
        if (text != m_current.value(it.key()))
            fields.insert(it.key(), text);
    }
    return fields;
}

QString DisputeResponseDialog::attachFile(const QString &field, const QString &fileName,
                                          const QByteArray &content)
{
    if (!df::isFileField(field))
        return tr("%1 does not take a file.").arg(field);
    if (const QString p = models::staffactions::evidenceFileProblem(content); !p.isEmpty()) {
        const QString message = tr("%1: %2").arg(fileName, p);
        showProblem(QStringLiteral("files"), message);
        return message;
    }
    // One file per field: a new one replaces the one attached before.
    m_attached.removeIf([&field](const df::EvidenceFile &f) { return f.field == field; });
    m_attached.append({field, fileName, content});
    fillFiles();
    formChanged();
    return {};
}

void DisputeResponseDialog::chooseFile()
{
    const QString field = m_fileField->currentData().toString();
    const QString path
        = QFileDialog::getOpenFileName(this, tr("Attach %1").arg(df::fieldLabel(field)), QString(),
                                       tr("Evidence (*.pdf *.png *.jpg *.jpeg);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    // Too large is told before the file is read whole.
    if (file.size() > models::staffactions::kEvidenceFileMaxBytes) {
        showProblem(QStringLiteral("files"),
                    tr("%1 is %2; Stripe takes dispute evidence files of at most 5 MB.")
                        .arg(QFileInfo(path).fileName(), sizeText(file.size())));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        showProblem(QStringLiteral("files"),
                    tr("Cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    attachFile(field, QFileInfo(path).fileName(), file.readAll());
}

void DisputeResponseDialog::removeFile()
{
    const int row = m_files->currentRow();
    if (row < 0)
        return;
    const QString field = m_files->item(row, 0)->data(Qt::UserRole).toString();
    const bool attachedHere = m_files->item(row, 0)->data(Qt::UserRole + 1).toBool();
    if (!attachedHere)
        return; // On the dispute already: Stripe keeps it.
    m_attached.removeIf([&field](const df::EvidenceFile &f) { return f.field == field; });
    fillFiles();
    formChanged();
}

void DisputeResponseDialog::fillFiles()
{
    m_files->setRowCount(0);
    const auto add
        = [this](const QString &field, const QString &file, const QString &size, bool here) {
              const int row = m_files->rowCount();
              m_files->insertRow(row);
              auto *f = new QTableWidgetItem(df::fieldLabel(field));
              f->setData(Qt::UserRole, field);
              f->setData(Qt::UserRole + 1, here);
              m_files->setItem(row, 0, f);
              m_files->setItem(row, 1, new QTableWidgetItem(file));
              m_files->setItem(row, 2, new QTableWidgetItem(size));
          };
    QStringList replaced;
    for (const df::EvidenceFile &f : std::as_const(m_attached)) {
        add(f.field, f.fileName, sizeText(f.content.size()), true);
        replaced << f.field;
    }
    for (auto it = m_current.cbegin(); it != m_current.cend(); ++it)
        if (df::isFileField(it.key()) && !replaced.contains(it.key()))
            add(it.key(), tr("%1 (on the dispute)").arg(it.value()), QString(), false);
    m_files->resizeColumnToContents(0);
    m_removeFile->setEnabled(!m_attached.isEmpty());
}

void DisputeResponseDialog::refresh()
{
    confirmButton()->setText(m_submit->isChecked() ? tr("Submit evidence…") : tr("Save draft"));
    formChanged();
}

QString DisputeResponseDialog::summary() const
{
    return m_submit->isChecked()
        ? tr("submit the evidence of the %1 dispute of %2 (%3) to the bank, once")
              .arg(m_amount, m_customer, m_id)
        : tr("save evidence of the %1 dispute of %2 (%3) as a draft")
              .arg(m_amount, m_customer, m_id);
}

models::InputProblem DisputeResponseDialog::prepare(models::OutboxAction *action)
{
    const bool submit = m_submit->isChecked();
    if (submit && !m_once->isChecked())
        return {QStringLiteral("once"),
                tr("Evidence is submitted once: tick that you understand it cannot be changed "
                   "after, or untick \"Submit\" to save a draft.")};
    const QMap<QString, QString> fields = fieldsToSend();
    if (const models::InputProblem p = df::problem(fields, m_attached, submit); !p.ok())
        return {p.field == QLatin1String("evidence") || m_editors.contains(p.field)
                    ? p.field
                    : QStringLiteral("files"),
                p.message};
    m_sendFields = fields;
    m_sendSubmit = submit;
    m_intent = df::intentOf(m_id, fields, m_attached, submit);
    const qint64 since = QDateTime::currentSecsSinceEpoch() - 24 * 3600;
    if (const models::OutboxEntry e = outbox()->lastSucceeded(m_intent, {}, since); e.id != 0)
        return {QStringLiteral("evidence"),
                (submit ? tr("This evidence was submitted already (%1); the bank decides now.")
                        : tr("This very draft was saved already (%1); change something to save "
                             "again."))
                    .arg(QLocale().toString(QDateTime::fromSecsSinceEpoch(e.updatedAt),
                                            QLocale::ShortFormat))};
    // Files uploaded before (a window closed part way) are not uploaded again.
    m_toUpload.clear();
    m_fileIds.clear();
    for (const df::EvidenceFile &f : std::as_const(m_attached)) {
        const models::OutboxAction up
            = models::staffactions::uploadEvidenceFile(m_id, f.field, f.fileName, f.content);
        const models::OutboxEntry done = outbox()->lastSucceeded(up.intent, {}, since);
        if (done.id == 0)
            m_toUpload.append(f);
        else
            m_fileIds.insert(f.field,
                             QJsonDocument::fromJson(done.response)
                                 .object()
                                 .value(QStringLiteral("id"))
                                 .toString());
    }
    m_done = 0;
    m_resume = -1;
    const models::OutboxAction step = stepAction(0);
    for (const models::OutboxEntry &e : outbox()->unfinished(step.action, m_id))
        if (e.intent == step.intent)
            m_resume = e.id;
    *action = step;
    return {};
}

models::OutboxAction DisputeResponseDialog::stepAction(int step) const
{
    if (step < m_toUpload.size()) {
        const df::EvidenceFile &f = m_toUpload.at(step);
        return models::staffactions::uploadEvidenceFile(m_id, f.field, f.fileName, f.content);
    }
    QMap<QString, QString> fields = m_sendFields;
    for (auto it = m_fileIds.cbegin(); it != m_fileIds.cend(); ++it)
        fields.insert(it.key(), it.value());
    models::OutboxAction a = models::staffactions::disputeEvidence(m_id, fields, m_sendSubmit);
    a.intent = m_intent;
    return a;
}

bool DisputeResponseDialog::nextStep(const QJsonObject &answer, models::OutboxAction *next)
{
    if (m_done < m_toUpload.size())
        m_fileIds.insert(m_toUpload.at(m_done).field,
                         answer.value(QStringLiteral("id")).toString());
    ++m_done;
    m_resume = -1;
    if (m_done >= stepCount())
        return false;
    *next = stepAction(m_done);
    return true;
}

QString DisputeResponseDialog::stepText() const
{
    const QString what = m_done < m_toUpload.size()
        ? tr("uploading %1").arg(m_toUpload.at(m_done).fileName)
        : (m_sendSubmit ? tr("submitting the evidence") : tr("saving the draft"));
    return stepCount() == 1 ? what + QStringLiteral("…")
                            : tr("Step %1 of %2: %3…").arg(m_done + 1).arg(stepCount()).arg(what);
}

QString DisputeResponseDialog::stoppedText() const
{
    QStringList files;
    for (auto it = m_fileIds.cbegin(); it != m_fileIds.cend(); ++it)
        files << tr("%1 (%2)").arg(df::fieldLabel(it.key()), it.value());
    return tr("The files uploaded are kept at Stripe (%1) and are not uploaded again; the "
              "evidence was not sent. Open the response form again to correct it.")
        .arg(files.isEmpty() ? tr("none") : files.join(QStringLiteral(", ")));
}

AcceptDisputeDialog::AcceptDisputeDialog(const QJsonObject &dispute, const QString &customerLabel,
                                         const Options &options, QWidget *parent)
    : ActionDialog(tr("Accept dispute"), tr("Accept dispute"), options, parent)
    , m_id(dispute.value(QStringLiteral("id")).toString())
    , m_customer(customerLabel)
    , m_amount(amountOf(dispute))
{
    setObjectName(QStringLiteral("acceptDisputeDialog"));
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    auto *who = new QLabel(
        tr("%1 · %2 · %3")
            .arg(m_amount,
                 df::guidanceFor(dispute.value(QStringLiteral("reason")).toString()).title,
                 customerLabel),
        this);
    who->setTextFormat(Qt::PlainText);
    form()->addRow(tr("Dispute"), who);
    auto *text = new QLabel(tr("Accepting concedes the dispute: the %1 and the dispute fee stay "
                               "withdrawn from your balance, the dispute is lost, and no evidence "
                               "can be sent after. This cannot be undone.")
                                .arg(m_amount),
                            this);
    text->setWordWrap(true);
    text->setMinimumWidth(420);
    text->setMinimumHeight(text->heightForWidth(420));
    form()->addRow(text);
    blockUnlessAllowed(models::StaffAction::DisputeAccept, dispute);
    formChanged();
}

QString AcceptDisputeDialog::summary() const
{
    return tr("accept the %1 dispute of %2 (%3): the money stays withdrawn")
        .arg(m_amount, m_customer, m_id);
}

models::InputProblem AcceptDisputeDialog::prepare(models::OutboxAction *action)
{
    *action = models::staffactions::acceptDispute(m_id);
    action->intent = QStringLiteral("dispute accept ") + m_id;
    return {};
}

ApproveReviewDialog::ApproveReviewDialog(const QJsonObject &charge, const QString &customerLabel,
                                         const Options &options, QWidget *parent)
    : ActionDialog(tr("Approve review"), tr("Approve"), options, parent)
    , m_review(
          charge.value(QStringLiteral("review")).toObject().value(QStringLiteral("id")).toString())
    , m_charge(charge.value(QStringLiteral("id")).toString())
    , m_customer(customerLabel)
    , m_amount(models::Money(charge.value(QStringLiteral("amount")).toInteger(),
                             charge.value(QStringLiteral("currency")).toString())
                   .toString(QLocale()))
{
    setObjectName(QStringLiteral("approveReviewDialog"));
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    const QJsonObject review = charge.value(QStringLiteral("review")).toObject();
    auto *who = new QLabel(tr("%1 · %2").arg(m_amount, customerLabel), this);
    who->setTextFormat(Qt::PlainText);
    form()->addRow(tr("Payment"), who);
    form()->addRow(
        tr("Held since"),
        new QLabel(QLocale().toString(QDateTime::fromSecsSinceEpoch(
                                          review.value(QStringLiteral("created")).toInteger()),
                                      QLocale::ShortFormat),
                   this));
    form()->addRow(tr("Why"),
                   new QLabel(review.value(QStringLiteral("opened_reason")).toString()
                                      == QLatin1String("manual")
                                  ? tr("Placed in review by hand")
                                  : tr("A Radar rule held it"),
                              this));
    if (const QString ip = review.value(QStringLiteral("ip_address")).toString(); !ip.isEmpty())
        form()->addRow(tr("IP address"), new QLabel(ip, this));
    auto *text = new QLabel(tr("Approving closes the review: the payment stays as it is and Radar "
                               "stops flagging it. If it looks like fraud, refund it as "
                               "fraudulent instead."),
                            this);
    text->setWordWrap(true);
    text->setMinimumWidth(420);
    text->setMinimumHeight(text->heightForWidth(420));
    form()->addRow(text);
    blockUnlessAllowed(models::StaffAction::ReviewApprove, charge);
    formChanged();
}

QString ApproveReviewDialog::summary() const
{
    return tr("approve the review of the %1 payment of %2 (%3)")
        .arg(m_amount, m_customer, m_charge);
}

models::InputProblem ApproveReviewDialog::prepare(models::OutboxAction *action)
{
    *action = models::staffactions::approveReview(m_review);
    return {};
}

} // namespace paydesk::ui

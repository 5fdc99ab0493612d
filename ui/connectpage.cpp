#include "ui/connectpage.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace paydesk::ui {

ConnectPage::ConnectPage(QWidget *parent)
    : QWidget(parent)
    , m_key(new QLineEdit(this))
    , m_profile(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("Remember the key in the system keychain"), this))
    , m_connect(new QPushButton(tr("Connect"), this))
    , m_demo(new QPushButton(tr("Explore demo data"), this))
    , m_error(new QLabel(this))
    , m_busyText(new QLabel(this))
    , m_busy(new QProgressBar(this))
{
    setObjectName(QStringLiteral("connectPage"));
    auto *title = new QLabel(tr("Connect your Stripe account"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    title->setFont(big);
    auto *intro = new QLabel(
        tr("Paste a secret key (sk_test_… or sk_live_…) or a restricted key (rk_…) from the "
           "Stripe Dashboard's API keys page. Paydesk checks it with Stripe, then copies your "
           "payments, customers and subscriptions into a local cache so that every view is "
           "instant and works offline. Use a test-mode key to try it safely."),
        this);
    intro->setWordWrap(true);
    m_key->setObjectName(QStringLiteral("apiKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(QStringLiteral("sk_test_…"));
    m_key->setClearButtonEnabled(true);
    m_key->setMinimumWidth(380);
    m_profile->setObjectName(QStringLiteral("profileName"));
    m_profile->setText(QStringLiteral("default"));
    m_profile->setMaxLength(40);
    m_profile->setMinimumWidth(380);
    m_remember->setObjectName(QStringLiteral("rememberKey"));
    m_remember->setChecked(true);
    m_connect->setObjectName(QStringLiteral("connectButton"));
    m_connect->setDefault(true);
    m_demo->setObjectName(QStringLiteral("demoButton"));
    m_error->setObjectName(QStringLiteral("connectError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b3093c;"));
    m_error->hide();
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(380);
    m_busy->hide();
    m_busyText->hide();

    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_key, 1);
    keyRow->addWidget(m_connect);
    auto *or_ = new QLabel(tr("No key at hand? Look around a realistic coffee merchant with "
                              "50,000 payments, generated on this computer:"),
                           this);
    or_->setWordWrap(true);
    or_->setForegroundRole(QPalette::PlaceholderText);

    auto *box = new QWidget(this);
    box->setFixedWidth(600); // Word-wrapped labels need a width to compute their height.
    auto *form = new QVBoxLayout(box);
    form->setSpacing(12);
    form->addWidget(title);
    form->addWidget(intro);
    form->addSpacing(8);
    form->addWidget(new QLabel(tr("API key"), this));
    form->addLayout(keyRow);
    form->addWidget(new QLabel(tr("Profile"), this));
    form->addWidget(m_profile, 0, Qt::AlignLeft);
    form->addWidget(m_remember);
    form->addWidget(m_error);
    form->addWidget(m_busyText);
    form->addWidget(m_busy);
    form->addSpacing(24);
    form->addWidget(or_);
    form->addWidget(m_demo, 0, Qt::AlignLeft);

    // Word-wrapped labels get the height their text needs at the box's width.
    for (QLabel *label : {intro, or_, m_error})
        label->setMinimumHeight(label->heightForWidth(box->width()));
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(box);
    row->addStretch(1);
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(row);
    outer->addStretch(2);

    connect(m_connect, &QPushButton::clicked, this, &ConnectPage::submit);
    connect(m_key, &QLineEdit::returnPressed, this, &ConnectPage::submit);
    connect(m_profile, &QLineEdit::returnPressed, this, &ConnectPage::submit);
    connect(m_profile, &QLineEdit::textEdited, m_error, &QWidget::hide);
    connect(m_key, &QLineEdit::textEdited, m_error, &QWidget::hide);
    connect(m_demo, &QPushButton::clicked, this, &ConnectPage::demoRequested);
}

void ConnectPage::setProfileName(const QString &name)
{
    m_profile->setText(name);
}

QString ConnectPage::profileName() const
{
    return m_profile->text().trimmed();
}

bool ConnectPage::rememberKey() const
{
    return m_remember->isChecked();
}

QString ConnectPage::keyProblem(const QString &key)
{
    const QString k = key.trimmed();
    if (k.isEmpty())
        return tr("Paste your API key first.");
    if (k.startsWith(QLatin1String("pk_")))
        return tr("That is a publishable key. Paydesk needs a secret key (sk_…) or a restricted "
                  "key (rk_…).");
    if (k.startsWith(QLatin1String("whsec_")))
        return tr("That is a webhook signing secret, not an API key.");
    static const QRegularExpression form(
        QStringLiteral("^(sk|rk)_(test|live)_[A-Za-z0-9]{10,247}$"));
    if (!form.match(k).hasMatch())
        return tr("This does not look like a Stripe secret or restricted key: it should start "
                  "with sk_test_, sk_live_, rk_test_ or rk_live_ followed by letters and digits.");
    return {};
}

void ConnectPage::submit()
{
    const QString problem = keyProblem(m_key->text());
    if (!problem.isEmpty()) {
        setError(problem);
        return;
    }
    Q_EMIT connectRequested(m_key->text().trimmed().toLatin1());
}

void ConnectPage::setBusy(bool busy, const QString &message)
{
    for (QWidget *w : {static_cast<QWidget *>(m_key), static_cast<QWidget *>(m_connect),
                       static_cast<QWidget *>(m_demo), static_cast<QWidget *>(m_profile),
                       static_cast<QWidget *>(m_remember)})
        w->setEnabled(!busy);
    m_busy->setVisible(busy);
    m_busyText->setVisible(busy && !message.isEmpty());
    m_busyText->setText(message);
    if (busy)
        m_error->hide();
}

void ConnectPage::setError(const QString &message)
{
    setBusy(false);
    m_error->setText(message);
    m_error->setMinimumHeight(m_error->heightForWidth(m_error->parentWidget()->width()));
    m_error->show();
}

} // namespace paydesk::ui

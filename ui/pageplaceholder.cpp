#include "ui/pageplaceholder.h"

#include <QLabel>
#include <QVBoxLayout>

namespace paydesk::ui {

PagePlaceholder::PagePlaceholder(const QString &title, const QString &explanation, QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(title, this))
    , m_explanation(new QLabel(explanation, this))
{
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_title->setObjectName(QStringLiteral("pageTitle"));

    m_explanation->setWordWrap(true);
    m_explanation->setObjectName(QStringLiteral("pageExplanation"));
    m_explanation->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(8);
    layout->addWidget(m_title);
    layout->addWidget(m_explanation);
    layout->addStretch(1);
}

QString PagePlaceholder::title() const
{
    return m_title->text();
}

} // namespace paydesk::ui

#pragma once

#include <QWidget>

class QLabel;

namespace paydesk::ui {

/*
 * The body of a navigation page whose content has not been built yet: its title and one line
 * saying what will be there, so that the window never shows a blank area.
 */
class PagePlaceholder final : public QWidget
{
    Q_OBJECT
public:
    PagePlaceholder(const QString &title, const QString &explanation, QWidget *parent = nullptr);

    QString title() const;

private:
    QLabel *m_title;
    QLabel *m_explanation;
};

} // namespace paydesk::ui

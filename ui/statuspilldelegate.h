#pragma once

#include <QStyledItemDelegate>

namespace paydesk::ui {

// Status as a coloured pill that also carries the text, so colour is never the only signal.
// The colour comes from the raw status (StatusRole), the text from the display role.
class StatusPillDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace paydesk::ui

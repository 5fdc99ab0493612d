# Strict settings shared by every Paydesk target. Each library and executable links
# paydesk_strict privately, so the warnings-as-errors policy and the Qt string hygiene
# macros apply uniformly and cannot be forgotten on a new target.
add_library(paydesk_strict INTERFACE)
target_compile_options(paydesk_strict INTERFACE -Wall -Wextra -Werror)
target_compile_definitions(paydesk_strict INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    PAYDESK_VERSION="${PROJECT_VERSION}")

if(PAYDESK_SANITIZE)
    # Applied to every target (not only ours) so that the sanitizer runtime sees the whole
    # program; frame pointers keep the reports readable.
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()

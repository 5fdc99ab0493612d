# CPack: a Debian package of the installed layout (packaging/CMakeLists.txt), its dependencies
# found by dpkg-shlibdeps from the libraries the binary links.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME paydesk)
set(CPACK_PACKAGE_VENDOR "Paydesk developers")
set(CPACK_PACKAGE_CONTACT "Paydesk developers <paydesk@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "native desktop dashboard for Stripe merchants")
set(CPACK_PACKAGE_DESCRIPTION
    "Paydesk keeps a local copy of a Stripe account so that every view is
instant and works offline: payments, customers, subscriptions, invoices,
refunds and disputes with search and filters. Staff actions (customers,
refunds, cancellations) are sent exactly once through an outbox with an
audit log; analysts read revenue, MRR, churn and payment analytics.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY paydesk)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Loaded at run time, not linked: the SQLite driver is linked directly, but Qt's platform and
# TLS plugins and the keychain's secret service are plugins or services.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6network6, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring | kwalletmanager")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

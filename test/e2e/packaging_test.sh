# Installation into a temporary root (packaging/install.sh, uninstall.sh) and the .deb.
# (The full test follows in the next commit.)
source "$(dirname "$0")/lib.sh"
echo "packaging: placeholder"

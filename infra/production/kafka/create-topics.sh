#!/usr/bin/env bash
# Creates the relay's topics (docs/RELAY.md, "Topics") on a Kafka cluster whose automatic topic creation is off:
# for each organisation code in KAFKA_TOPIC_ORGANISATION_CODES (comma-separated, the `code`s of
# QUANZE_KAFKA_ORGANISATIONS), transfers.<code>, receipts.<code> and receipts.<code>.dlq, and ledger.public, each
# with QUANZE_KAFKA_TOPIC_PREFIX before it. Three replicas, two in sync for a write. Safe to run again
# (--if-not-exists). ACLs (each organisation reads only its transfers topic and writes only its receipts topic)
# are the Kafka operators' to add with kafka-acls.sh once SASL is configured.
set -euo pipefail
bootstrap="${KAFKA_BOOTSTRAP:-kafka-1:9092,kafka-2:9092,kafka-3:9092}"
prefix="${QUANZE_KAFKA_TOPIC_PREFIX:-}"
partitions="${KAFKA_TOPIC_PARTITIONS:-6}"
: "${KAFKA_TOPIC_ORGANISATION_CODES:?set KAFKA_TOPIC_ORGANISATION_CODES to the organisation codes, comma-separated}"

create() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$1" --partitions "$partitions" --replication-factor 3 \
    --config min.insync.replicas=2 --config unclean.leader.election.enable=false "${@:2}"
  echo "topic $1"
}

IFS=',' read -r -a codes <<< "$KAFKA_TOPIC_ORGANISATION_CODES"
for code in "${codes[@]}"; do
  code="${code// /}"
  [[ -z "$code" ]] && continue
  create "${prefix}transfers.${code}" --config retention.ms=7776000000
  create "${prefix}receipts.${code}" --config retention.ms=7776000000
  create "${prefix}receipts.${code}.dlq" --config retention.ms=-1
done
create "${prefix}ledger.public" --config retention.ms=-1

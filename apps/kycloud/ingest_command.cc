// kycloud ingest usage --format jsonl|csv|cur|sacct|sacct-json|dcgm FILE|-
// kycloud ingest kafka --brokers HOSTS --topic T --group G [--batch-messages N] [--idle-exit-ms MS]
//
// Reads usage in one of the formats of compute/usage_parsers.h and hands it to the usage ledger
// in batches: each batch is metered, stored (idempotent by record id, so running the same file
// twice counts it once) and checked against the thresholds, raising compute alerts and drafting
// training-run reports. DCGM text is stored as telemetry: usage of the same resource metered
// afterwards is estimated from its measured tensor activity. JSON lines are streamed in chunks, so
// memory does not grow with the file. A bad line is reported on stderr ("FILE:LINE: field: reason")
// and skipped; everything else is stored. Progress goes to stderr; a JSON summary to stdout. Exit
// 0, or 1 with --strict when any line or record was rejected (after storing the good ones).
//
// `ingest kafka` joins consumer group G on topic T and applies the messages (usage records as
// JSON lines) batch by batch, committing each batch's offsets only after the ledger has stored
// it (ingest/usage_consumer.h): run N of them for N-way parallelism. It stops on SIGINT/SIGTERM
// (finishing the batch in hand) or after --idle-exit-ms without messages, and prints a JSON
// summary.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "kycloud/base/progress.h"
#include "kycloud/compute/usage_parsers.h"
#include "kycloud/ingest/usage_consumer.h"
#include "metering_stack.h"

namespace kycloud::app {

namespace {

using nlohmann::json;

struct IngestFlags {
  CommonFlags common;
  std::string format;
  std::string input;
  std::string accelerator;
  size_t batch = 10000;
  bool strict = false;
};

// Accumulates what the batches did and prints problems as they come.
struct Tally {
  size_t received = 0, accepted = 0, duplicates = 0, parse_errors = 0, rejected = 0;
  size_t samples = 0;
  json crossings = json::array();

  void Add(const metering::ApplyResult& r) {
    received += r.received;
    accepted += r.accepted;
    duplicates += r.duplicates;
    rejected += r.errors.size();
    for (const auto& e : r.errors) {
      std::cerr << fmt::format(
          "record {}: {}{}\n", e.record_id, e.status.message(),
          e.status.field().empty() ? "" : fmt::format(" ({})", e.status.field()));
    }
    for (const auto& c : r.crossings) {
      crossings.push_back({{"subject", c.subject},
                           {"tier", c.tier},
                           {"measure_ops", c.measure},
                           {"alert_id", c.alert_id},
                           {"report_id", c.report_id}});
    }
  }
};

void ApplyOrFail(metering::UsageLedger& ledger, std::vector<compute::UsageRecord>& records,
                 Tally& tally) {
  if (records.empty()) return;
  auto r = ledger.Apply(records, "cli:ingest");
  if (!r) Fail(r.error().Annotate("storing usage (batches before this one are stored)"));
  tally.Add(*r);
  records.clear();
}

void ReportParseErrors(const std::string& origin, compute::ParsedUsage& parsed, Tally& tally) {
  for (const auto& e : parsed.errors) {
    std::cerr << compute::FormatParseError(origin, e) << "\n";
  }
  tally.parse_errors += parsed.errors.size();
  parsed.errors.clear();
}

// JSON lines, in chunks that end on a line boundary.
void IngestJsonLines(std::istream& in, const std::string& origin, const IngestFlags& f,
                     metering::UsageLedger& ledger, Tally& tally) {
  constexpr size_t kChunk = 8 << 20;
  std::string buffer, carry;
  int line = 1;
  auto progress = ProgressReporter::ForStderr({.label = "ingest", .total = 0, .unit = "records"});
  while (in) {
    buffer.resize(kChunk);
    in.read(buffer.data(), static_cast<std::streamsize>(kChunk));
    buffer.resize(static_cast<size_t>(in.gcount()));
    std::string text = carry + buffer;
    carry.clear();
    if (in) {  // more to come: keep the partial last line for the next chunk
      const size_t nl = text.rfind('\n');
      if (nl == std::string::npos) {
        carry = std::move(text);
        continue;
      }
      carry = text.substr(nl + 1);
      text.resize(nl + 1);
    }
    compute::ParsedUsage parsed;
    compute::ParseUsageJsonLines(text, line, parsed);
    line += static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    ReportParseErrors(origin, parsed, tally);
    for (size_t at = 0; at < parsed.records.size(); at += f.batch) {
      std::vector<compute::UsageRecord> batch(
          std::make_move_iterator(parsed.records.begin() + static_cast<long>(at)),
          std::make_move_iterator(
              parsed.records.begin() +
              static_cast<long>(std::min(at + f.batch, parsed.records.size()))));
      const size_t n = batch.size();
      ApplyOrFail(ledger, batch, tally);
      progress.Add(n);
    }
  }
  if (!carry.empty()) {
    compute::ParsedUsage parsed;
    compute::ParseUsageJsonLines(carry, line, parsed);
    ReportParseErrors(origin, parsed, tally);
    ApplyOrFail(ledger, parsed.records, tally);
  }
  progress.Finish();
}

void RunIngest(const IngestFlags& f) {
  auto format = compute::ParseUsageFormat(f.format);
  if (!format) Fail(format.error());
  std::ifstream file;
  if (f.input != "-") {
    file.open(f.input, std::ios::binary);
    if (!file) Fail(NotFoundError("cannot read usage file " + f.input));
  }
  std::istream& in = f.input == "-" ? std::cin : file;
  const std::string origin = f.input == "-" ? "stdin" : f.input;
  auto stack = OpenMeteringOrFail(f.common);
  Tally tally;
  if (*format == compute::UsageFormat::kJsonLines) {
    IngestJsonLines(in, origin, f, *stack->ledger, tally);
  } else {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    compute::ParseOptions options;
    options.default_accelerator = f.accelerator;
    compute::ParsedUsage parsed = compute::ParseUsage(*format, text, origin, options);
    ReportParseErrors(origin, parsed, tally);
    if (!parsed.samples.empty()) {
      auto stored = stack->ledger->ApplyTelemetry(parsed.samples);
      if (!stored) Fail(stored.error().Annotate("storing telemetry"));
      tally.samples = *stored;
    }
    for (size_t at = 0; at < parsed.records.size(); at += f.batch) {
      std::vector<compute::UsageRecord> batch(
          parsed.records.begin() + static_cast<long>(at),
          parsed.records.begin() +
              static_cast<long>(std::min(at + f.batch, parsed.records.size())));
      ApplyOrFail(*stack->ledger, batch, tally);
    }
  }
  json summary = {{"format", f.format},
                  {"input", origin},
                  {"received", tally.received},
                  {"accepted", tally.accepted},
                  {"duplicates", tally.duplicates},
                  {"rejected", tally.rejected},
                  {"parse_errors", tally.parse_errors},
                  {"crossings", tally.crossings}};
  if (*format == compute::UsageFormat::kDcgm) summary["telemetry_samples"] = tally.samples;
  std::cout << summary.dump() << std::endl;
  if (f.strict && (tally.parse_errors > 0 || tally.rejected > 0)) throw CLI::RuntimeError(1);
}

struct KafkaFlags {
  CommonFlags common;
  ingest::KafkaOptions kafka;
  std::vector<std::string> properties;  // key=value
  size_t batch_messages = 500;
  int batch_wait_ms = 1000;
  int idle_exit_ms = 0;
};

std::atomic<ingest::UsageConsumer*> running_consumer{nullptr};

void StopOnSignal(int) {
  if (auto* c = running_consumer.load()) c->Stop();
}

void RunKafka(KafkaFlags& f) {
  for (const std::string& p : f.properties) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      Fail(InvalidArgumentError(fmt::format("--property '{}' is not key=value", p)));
    }
    f.kafka.properties[p.substr(0, eq)] = p.substr(eq + 1);
  }
  auto stack = OpenMeteringOrFail(f.common);
  auto consumer = ingest::KafkaConsumer::Open(f.kafka);
  if (!consumer) Fail(consumer.error());
  ingest::ConsumerOptions options;
  options.batch_messages = f.batch_messages;
  options.batch_wait = std::chrono::milliseconds(f.batch_wait_ms);
  options.idle_exit = std::chrono::milliseconds(f.idle_exit_ms);
  ingest::UsageConsumer loop(**consumer, *stack->ledger, options);
  running_consumer.store(&loop);
  struct sigaction sa = {};
  sa.sa_handler = StopOnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::cerr << fmt::format("kycloud ingest kafka: topic {} group {} brokers {}\n", f.kafka.topic,
                           f.kafka.group, f.kafka.brokers);
  auto stats = loop.Run([&consumer](const ingest::ConsumerStats& s) {
    std::cerr << fmt::format("batch {}: {} messages, {} records ({} new), partitions {}\n",
                             s.batches, s.messages, s.records, s.accepted,
                             (*consumer)->Assignment());
  });
  running_consumer.store(nullptr);
  if (!stats) Fail(stats.error());
  std::cout << json{{"messages", stats->messages},         {"records", stats->records},
                    {"accepted", stats->accepted},         {"duplicates", stats->duplicates},
                    {"bad_messages", stats->bad_messages}, {"rejected", stats->rejected},
                    {"batches", stats->batches},           {"crossings", stats->crossings}}
                   .dump()
            << std::endl;
}

}  // namespace

void RegisterIngestCommand(CLI::App& app) {
  auto* ingest = app.add_subcommand("ingest", "Ingest accelerator usage (files, stdin, Kafka)");
  ingest->require_subcommand(1);
  auto f = std::make_shared<IngestFlags>();
  auto* usage = ingest->add_subcommand(
      "usage", "Meter, store and check usage records from a file or stdin (-)");
  f->common.AddTo(*usage);
  usage->add_option("--format", f->format, "jsonl, csv, cur, sacct, sacct-json or dcgm")
      ->required();
  usage->add_option("input", f->input, "the usage file, or - for stdin")->required();
  usage->add_option("--accelerator", f->accelerator,
                    "the GPUs of Slurm jobs whose GRES has no type (e.g. a100)");
  usage->add_option("--batch", f->batch, "records per stored batch (default 10000)")
      ->check(CLI::Range(1, 1000000));
  usage->add_flag("--strict", f->strict, "exit 1 when any line or record was rejected");
  usage->callback([f] { RunIngest(*f); });

  auto k = std::make_shared<KafkaFlags>();
  auto* kafka = ingest->add_subcommand(
      "kafka", "Consume usage records from a Kafka topic in a consumer group");
  k->common.AddTo(*kafka);
  kafka->add_option("--brokers", k->kafka.brokers, "bootstrap servers host:port[,...]")->required();
  kafka->add_option("--topic", k->kafka.topic, "the topic of usage records")->required();
  kafka->add_option("--group", k->kafka.group, "the consumer group id")->required();
  kafka->add_option("--property", k->properties,
                    "a librdkafka property key=value (repeatable), e.g. security.protocol=ssl");
  kafka
      ->add_option("--offset-reset", k->kafka.offset_reset,
                   "where a partition without a committed offset starts (default earliest)")
      ->check(CLI::IsMember({"earliest", "latest"}));
  kafka->add_option("--batch-messages", k->batch_messages, "messages per batch (default 500)")
      ->check(CLI::Range(1, 100000));
  kafka
      ->add_option("--batch-wait-ms", k->batch_wait_ms,
                   "how long a batch may wait to fill (default 1000)")
      ->check(CLI::Range(1, 600000));
  kafka
      ->add_option("--idle-exit-ms", k->idle_exit_ms,
                   "exit after this long without messages (default: run until stopped)")
      ->check(CLI::Range(0, 86400000));
  kafka->callback([k] { RunKafka(*k); });
}

}  // namespace kycloud::app

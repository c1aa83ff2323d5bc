// kycloud serve: the HTTP service. Opens (and migrates) the database, creates the first admin
// key on the very first start and prints it once, then serves until SIGTERM or SIGINT, letting
// in-flight requests finish.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.h"
#include "data_key.h"
#include "demo_loader.h"
#include "instance_keys.h"
#include "kycloud/account_linking/account_linking.h"
#include "kycloud/audit/audit_log.h"
#include "kycloud/base/build_info.h"
#include "kycloud/base/log.h"
#include "kycloud/cip/rescreen_schedule.h"
#include "kycloud/cip/rescreening.h"
#include "kycloud/cip/sealed_columns.h"
#include "kycloud/cluster/change_follower.h"
#include "kycloud/cluster/leadership.h"
#include "kycloud/provisioning/provisioning_service.h"
#include "kycloud/screening/index_holder.h"
#include "kycloud/server/audit_routes.h"
#include "kycloud/server/case_routes.h"
#include "kycloud/server/cip_routes.h"
#include "kycloud/server/cluster_routes.h"
#include "kycloud/server/compute_routes.h"
#include "kycloud/server/core_routes.h"
#include "kycloud/server/customer_routes.h"
#include "kycloud/server/disposition_routes.h"
#include "kycloud/server/http_server.h"
#include "kycloud/server/key_routes.h"
#include "kycloud/server/link_routes.h"
#include "kycloud/server/party_screening.h"
#include "kycloud/server/policy_routes.h"
#include "kycloud/server/report_routes.h"
#include "kycloud/server/screen_routes.h"
#include "kycloud/server/session_routes.h"
#include "kycloud/storage/change_feed.h"
#include "kycloud/storage/lease_store.h"
#include "kycloud/storage/migrations.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/settings_store.h"
#include "kycloud/storage/sql_api_key_store.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_cip_request_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_disposition_store.h"
#include "kycloud/storage/sql_link_judgement_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/sql_reseller_store.h"
#include "kycloud/storage/sql_session_store.h"
#include "kycloud/storage/sql_usage_store.h"
#include "metering_stack.h"

namespace kycloud::app {

namespace {

// Prints to stdout and flushes at once (stdout may be a pipe read by a supervisor or a test).
template <typename... Args>
void Say(fmt::format_string<Args...> f, Args&&... args) {
  std::string line = fmt::format(f, std::forward<Args>(args)...);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

// Sets `stop` and joins `thread` when it goes out of scope (before what the thread uses goes).
struct StopAndJoin {
  std::atomic<bool>& stop;
  std::thread& thread;
  ~StopAndJoin() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
};

// `demo_customers` > 0: load a simulated population into a database without customers
// (demo_loader.h), in the background once the lists are in.
Status Serve(Config config, size_t demo_customers) {
  const Clock& clock = SystemClock::Default();
  // Every thread created from here on inherits this mask; the signal thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  KY_ASSIGN_OR_RETURN(auto db, storage::OpenDatabase(config.storage));
  KY_ASSIGN_OR_RETURN(int schema, storage::SchemaVersion(*db));
  storage::SqlApiKeyStore keys(*db);

  KY_ASSIGN_OR_RETURN(server::NewApiKey admin,
                      server::GenerateApiKey("bootstrap admin", "admin", "bootstrap", clock));
  KY_ASSIGN_OR_RETURN(bool created, keys.InsertBootstrapKey(admin.record));
  if (created) {
    Say("Created the first admin API key. It is shown only this once; store it now:\n  {}\n",
        admin.plaintext);
    KY_LOG_INFO("created bootstrap admin key {}", admin.record.id);
  }

  // Lists load in the background: the service answers at once and reports ready when they are in.
  // The audit log: every decision below is appended to it; a background thread signs checkpoints.
  KY_ASSIGN_OR_RETURN(
      audit::SigningKey signing_key,
      audit::SigningKey::LoadOrCreate(config.audit_signing_key_file, config.audit.origin));
  storage::SqlAuditStore audit_store(*db);
  audit::AuditLog audit_log(audit_store, clock, &signing_key, config.audit);
  KY_LOG_EVENT(kInfo, "audit log",
               {{"signing_key_file", config.audit_signing_key_file},
                {"verifier_key", signing_key.VerifierKey()}});
  KY_ASSIGN_OR_RETURN(storage::PiiCipher data_cipher, LoadDataCipher(config));
  KY_LOG_EVENT(kInfo, "data key", {{"key_id", data_cipher.current_key_id()}});
  // Every instance on this database must hold the keys its contents were made with.
  storage::SqlSettingsStore settings(*db);
  storage::SealedValues sealed_values(*db, data_cipher, cip::SealedColumns());
  KY_ASSIGN_OR_RETURN(std::vector<std::string> sampled_keys, sealed_values.SampleKeyIds());
  KY_TRY(CheckInstanceKeys(settings, data_cipher, signing_key, sampled_keys));

  // Several instances may share the database: each follows what the others write (the change
  // feed, positioned before any state is loaded), and one, the leader, runs the background duties.
  storage::SqlChangeFeed change_feed(*db);
  cluster::ChangeFollower follower(change_feed, clock);
  KY_TRY(follower.Start());
  storage::SqlLeaseStore leases(*db);
  cluster::Leadership leadership(leases, clock,
                                 {.ttl = std::chrono::seconds(config.cluster_lease_seconds)});
  leadership.Tick();
  // Renews the lease from the start (loading the state below may take a while), and releases it
  // at a clean stop so that another instance takes over at once.
  std::atomic<bool> lease_stop{false};
  std::thread lease_keeper([&leadership, &lease_stop, &config] {
    const auto step = std::chrono::milliseconds(config.cluster_lease_seconds * 1000 / 6);
    while (!lease_stop) {
      leadership.Tick();
      for (auto waited = std::chrono::milliseconds(0); waited < step && !lease_stop;
           waited += std::chrono::milliseconds(20)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    leadership.Release();
  });
  StopAndJoin lease_join{lease_stop, lease_keeper};

  // They are reloaded when the directory's files change, on SIGHUP and on POST /v1/lists/reload.
  // Declared before the lists: the holder's threads may call back into them until it is gone.
  std::mutex rescreen_mu;
  cip::RescreenSchedule* rescreen_schedule_ptr = nullptr;
  screening::IndexHolder lists;
  // Customers are re-screened when the lists change (cip/rescreen_schedule.h: the leader, once
  // a second, against the lists the database recorded); the schedule keeps the lists this
  // process had before as the base of a diff. It exists once onboarding does, and this callback
  // may run on the loader's thread before then (a change then is re-screened in full).
  lists.OnLoaded([&audit_log, &rescreen_mu, &rescreen_schedule_ptr](
                     std::shared_ptr<const screening::ScreeningIndex> now,
                     std::shared_ptr<const screening::ScreeningIndex> before) {
    {
      std::lock_guard lock(rescreen_mu);
      if (rescreen_schedule_ptr && before) rescreen_schedule_ptr->Loaded(before);
    }
    const screening::ScreeningIndex& index = *now;
    nlohmann::json published = nlohmann::json::array();
    for (const auto& l : index.snapshot().lists()) {
      published.push_back({{"id", l.id}, {"data_date", l.data_date}, {"entities", l.entities}});
    }
    nlohmann::json data = {{"lists_hash", index.snapshot().hash()},
                           {"entities", index.snapshot().entities().size()},
                           {"lists", std::move(published)}};
    auto e = audit_log.Append({"lists.published", "system", data.dump()});
    if (!e.has_value())
      KY_LOG_ERROR("audit: recording the list publication failed: {}", e.error().ToString());
  });
  const std::string lists_dir = config.lists_dir.empty() ? DefaultListsDir() : config.lists_dir;
  lists.LoadInBackground(lists_dir);
  if (config.lists_poll_seconds > 0) {
    lists.Watch(lists_dir, std::chrono::seconds(config.lists_poll_seconds));
  }

  server::ApiKeyAuthenticator auth(keys, clock, config.auth);
  server::HttpMetrics metrics;
  server::Router router;
  server::AddCoreRoutes(
      router,
      [&db, &lists]() -> Status {
        KY_RETURN_IF_ERROR(db->Ping());
        if (!lists.Get()) {
          Status err = lists.last_error();
          return err.ok() ? UnavailableError("lists are loading") : err;
        }
        return OkStatus();
      },
      metrics);
  server::AddKeyRoutes(router, keys, auth, clock, &audit_log);
  storage::SqlSessionStore session_store(*db);
  server::SessionAuthenticator sessions(session_store, keys, auth, clock, config.sessions);
  server::AddSessionRoutes(router, sessions, &audit_log);
  storage::SqlDispositionStore dispositions(*db);
  storage::SqlCaseStore case_store(*db);
  cases::CaseManager case_manager(case_store, clock, &audit_log, &dispositions, config.cases);
  server::AddScreenRoutes(router, lists, dispositions, &audit_log, &case_manager);
  server::AddDispositionRoutes(router, lists, dispositions, clock, &audit_log);
  server::AddCaseRoutes(router, case_manager, clock);
  storage::SqlReportStore report_store(*db);
  cases::ReportManager report_manager(report_store, case_store, clock, &audit_log);
  server::AddReportRoutes(router, report_manager, report_store, &audit_log);
  storage::SqlUsageStore usage_store(*db);
  KY_ASSIGN_OR_RETURN(compute::ComputePolicy compute_policy, LoadComputePolicy(config));
  // Compute roll-ups per linked group: account linking's groups once it is loaded (below).
  const account_linking::AccountLinking* linking_ptr = nullptr;
  metering::LedgerOptions ledger_options;
  ledger_options.linked_groups = [&linking_ptr] {
    return linking_ptr ? linking_ptr->GroupLinks() : std::vector<storage::AccountLink>{};
  };
  metering::UsageLedger ledger(usage_store, &case_manager, &report_manager,
                               compute::Estimator::Bundled(), compute_policy, clock,
                               std::move(ledger_options));
  server::AddComputeRoutes(router, ledger);
  storage::SqlPolicyStore policy_store(*db);
  provisioning::DecisionLog decision_log(policy_store);
  provisioning::ProvisioningService provisioning(policy_store, &case_manager, clock,
                                                 compute::Estimator::Bundled(), &audit_log);
  KY_TRY(provisioning.Load());
  provisioning.SetDecisionLog(&decision_log);
  KY_LOG_EVENT(kInfo, "policy", {{"version", provisioning.policy()->Id()}});
  server::AddPolicyRoutes(router, provisioning);
  storage::SqlCustomerStore customer_store(*db);
  cip::Onboarding onboarding(customer_store, data_cipher, provisioning, &case_manager, clock);
  server::ServicePartyScreener party_screener(lists, dispositions, &case_manager, &audit_log);
  onboarding.SetScreener(&party_screener);
  // Account linking (R33): the index of every stored customer, built now; each CIP decision and
  // access batch links its customer again, and linked groups feed the policy and compute.
  storage::SqlLinkJudgementStore link_judgements(*db);
  account_linking::AccountLinkingOptions linking_options;
  linking_options.min_training = config.linking_min_training;
  account_linking::AccountLinking linking(onboarding, customer_store, data_cipher, link_judgements,
                                          provisioning, &case_manager, &audit_log, clock,
                                          linking_options);
  KY_ASSIGN_OR_RETURN(std::vector<std::string> stale_links, linking.Load());
  onboarding.SetLinks(&linking);
  linking_ptr = &linking;
  // Detached before linking goes (reverse order of declaration).
  struct LinkingDetach {
    cip::Onboarding& onboarding;
    const account_linking::AccountLinking*& ptr;
    ~LinkingDetach() {
      onboarding.SetLinks(nullptr);
      ptr = nullptr;
    }
  } linking_detach{onboarding, linking_ptr};
  // A screening case closed as a true positive lists its customer: decided again, and its linked
  // accounts with it.
  case_manager.SetConfirmedHook(
      [&onboarding](const std::string& subject, const std::string& actor) {
        const std::string id = subject.substr(0, subject.find('/'));
        if (auto r = onboarding.Refresh(id, actor); !r.has_value()) {
          if (r.error().code() != StatusCode::kNotFound) {
            KY_LOG_ERROR("deciding {} again after a confirmed match failed: {}", id,
                         r.error().ToString());
          }
        }
      });
  struct HookDetach {
    cases::CaseManager& cases;
    ~HookDetach() { cases.SetConfirmedHook(nullptr); }
  } hook_detach{case_manager};
  // Customers whose decisions miss what their linked group says now (imported without linking,
  // groups changed since) are decided again in the background once the lists are in.
  std::atomic<bool> linking_stop{false};
  std::thread link_redecider(
      [&linking, &lists, &linking_stop, &leadership, stale = std::move(stale_links)] {
        if (stale.empty()) return;
        // The leader re-decides; after a crash the dead process's lease runs out first.
        while (!linking_stop && !leadership.leading())
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (linking_stop) return;
        while (!linking_stop && !lists.Get())
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        KY_LOG_EVENT(kInfo, "account linking: deciding again the customers its groups changed",
                     {{"customers", std::to_string(stale.size())}});
        for (const std::string& id : stale) {
          if (linking_stop) break;
          linking.Redecide({id}, "system");
        }
      });
  StopAndJoin redecider_join{linking_stop, link_redecider};
  server::AddLinkRoutes(router, linking);
  server::AddCustomerRoutes(router, onboarding, customer_store, &audit_log);
  const std::string geo_path =
      config.geoip_database.empty() ? DefaultGeoDatabase() : config.geoip_database;
  std::unique_ptr<cip::IpGeolocator> geo;
  if (auto g = cip::IpGeolocator::Open(geo_path)) {
    geo = std::move(*g);
    KY_LOG_EVENT(kInfo, "ip geolocation",
                 {{"database", geo_path},
                  {"built", FormatRfc3339(geo->build_time())},
                  {"type", geo->database_type()}});
  } else {
    KY_LOG_WARN("IP geolocation unavailable ({}): access-IP countries stay unknown",
                g.error().ToString());
  }
  cip::AccessLog access_log(customer_store, data_cipher, geo.get(), onboarding);
  server::AddAccessEventRoutes(router, access_log, customer_store, data_cipher, &audit_log);
  cip::Rescreener rescreener(customer_store, onboarding, &audit_log);
  cip::RescreenSchedule rescreen_schedule(settings, rescreener);
  {
    std::lock_guard lock(rescreen_mu);
    rescreen_schedule_ptr = &rescreen_schedule;
  }
  // Detached before the schedule goes (reverse order of declaration).
  struct RescreenScheduleDetach {
    std::mutex& mu;
    cip::RescreenSchedule*& ptr;
    ~RescreenScheduleDetach() {
      std::lock_guard lock(mu);
      ptr = nullptr;
    }
  } rescreen_schedule_detach{rescreen_mu, rescreen_schedule_ptr};
  storage::SqlResellerStore reseller_store(*db);
  cip::ResellerRegistry reseller_registry(reseller_store, onboarding, &case_manager, clock);
  storage::SqlCipRequestStore cip_request_store(*db);
  cip::CipRequests cip_requests(cip_request_store, reseller_store, provisioning, &audit_log, clock,
                                "kycloud");
  server::AddCipRoutes(
      router, {.onboarding = onboarding,
               .resellers = reseller_registry,
               .requests = cip_requests,
               .customers = customer_store,
               .reseller_store = reseller_store,
               .cipher = data_cipher,
               .clock = clock,
               .audit = &audit_log,
               .purged = [&linking](const std::vector<std::string>& ids, const std::string& actor) {
                 // The erased customers leave the linking index; their
                 // former groups are decided again without them.
                 linking.Redecide(linking.Forget(ids), actor);
               }});
  server::AddAuditRoutes(router, audit_log);
  server::AddClusterRoutes(router, follower, leadership);
  // What other instances write, applied here: the policy first, then parties' facts (the
  // standings), then customers (the linking index reads their facts), then judgements.
  follower.On(std::string(storage::kPolicyTopic), [&provisioning](const std::vector<std::string>&) {
    return provisioning.FollowPolicy();
  });
  follower.On(std::string(storage::kPartyTopic),
              [&provisioning](const std::vector<std::string>& ids) {
                return provisioning.FollowParties(ids);
              });
  follower.On(
      std::string(storage::kCustomerTopic),
      [&linking](const std::vector<std::string>& ids) { return linking.FollowCustomers(ids); });
  follower.On(std::string(storage::kJudgementTopic),
              [&linking](const std::vector<std::string>& pairs) {
                return linking.FollowJudgements(pairs);
              });
  std::atomic<bool> follow_stop{false};
  std::thread follow_thread([&follower, &follow_stop, poll = config.cluster_poll_ms] {
    bool failing = false;
    while (!follow_stop) {
      auto polled = follower.Poll();
      if (!polled.has_value() && !failing) {
        KY_LOG_WARN("change feed: reading failed (retrying): {}", polled.error().ToString());
      } else if (polled.has_value() && failing) {
        KY_LOG_INFO("change feed: reading again");
      }
      failing = !polled.has_value();
      for (int waited = 0; waited < poll && !follow_stop; waited += 10) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  });
  StopAndJoin follow_join{follow_stop, follow_thread};
  server::AddListReloadRoute(router, lists, lists_dir);
  std::atomic<bool> demo_stop{false};
  std::thread demo_loader([&, demo_customers] {
    if (demo_customers == 0) return;
    auto loaded =
        LoadDemo({onboarding, access_log, ledger, lists, customer_store, clock, provisioning},
                 demo_customers, [&demo_stop] { return demo_stop.load(); });
    if (!loaded.has_value()) {
      KY_LOG_ERROR("demo: loading the demonstration data failed: {}", loaded.error().ToString());
    } else if (!loaded->loaded && !demo_stop) {
      KY_LOG_INFO("demo: the database has customers; no demonstration data loaded");
    }
  });
  StopAndJoin demo_join{demo_stop, demo_loader};
  if (config.server.web_root.empty()) config.server.web_root = DefaultWebRoot();
  if (config.server.web_root.empty()) {
    KY_LOG_WARN("console: web/dist is not built (make run builds it); serving the API only");
  }
  server::HttpServer http(config.server, std::move(router), auth, metrics, clock, &sessions);
  KY_TRY(http.Bind());

  auto addr = server::ParseListenAddress(config.server.listen);
  std::string host =
      addr->first.find(':') != std::string::npos ? "[" + addr->first + "]" : addr->first;
  const char* scheme = http.tls() ? "https" : "http";
  Say("kycloud {} ({}) serving on {}://{}:{}\n  database: {} (schema version {})\n", Version(),
      GitCommit(), scheme, host, http.port(), db->Describe(), schema);
  KY_LOG_EVENT(kInfo, "serving",
               {{"listen", fmt::format("{}://{}:{}", scheme, host, http.port())},
                {"database", db->Describe()},
                {"version", std::string(Version())}});

  // The leader's duties, checked every second: signs a checkpoint whenever one is due
  // (audit.checkpoint_every_*), and one last at exit; appends case events that missed the audit
  // log (a crash between commit and append) once they are 30 s old, checking every 10 s; raises
  // the new day's policy alerts; prunes the change feed hourly.
  std::mutex checkpoint_mu;
  std::condition_variable checkpoint_cv;
  bool stopping = false;
  std::thread checkpointer([&] {
    std::unique_lock<std::mutex> lock(checkpoint_mu);
    int tick = 0;
    policy::Date policy_day = policy::Today(clock);
    // After a data-key rotation, values sealed with the older keys are re-sealed under the
    // current one, 500 every 5 s, until none is left (the keys are fixed for this process).
    int reseal_at = 0;  // the tick of the next re-sealing pass (int max: done)
    std::int64_t resealed = 0;
    while (!checkpoint_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; })) {
      lock.unlock();
      const bool leading = leadership.leading();
      const policy::Date today = policy::Today(clock);
      // Customers follow the lists: the leader re-screens when the lists in force are not the
      // ones the database recorded; the others let go of old lists once it has.
      if (auto r = rescreen_schedule.Tick(lists.Get(), leading, clock.Now()); !r.has_value()) {
        KY_LOG_WARN("re-screening: reading the recorded lists failed: {}", r.error().ToString());
      }
      if (!leading) {
        // The leader raises the day's alerts (standings follow the date everywhere). policy_day
        // stays where this instance last evaluated: if it becomes leader after midnight, it
        // raises the alerts of the days it missed (they are deduplicated by policy and date).
        lock.lock();
        continue;
      }
      if (tick % 3600 == 0) {
        const auto retention = std::chrono::hours(config.cluster_feed_retention_hours);
        if (auto n = change_feed.PruneBefore(clock.Now() - retention); !n.has_value()) {
          KY_LOG_WARN("change feed: pruning failed: {}", n.error().ToString());
        }
      }
      // Only while this instance's key is the database's: during a rolling restart a leader
      // still on the old key must not re-seal back to it. A pass that ends with values left
      // (written meanwhile by instances on an older key, or not opening) is followed by another
      // after ten minutes.
      if (tick >= reseal_at && tick % 5 == 0) {
        auto recorded = settings.Get("data_key_id");
        if (recorded.has_value() && *recorded == data_cipher.current_key_id()) {
          if (auto n = sealed_values.ResealBatch(500); !n.has_value()) {
            KY_LOG_WARN("data key rotation: re-sealing failed (retrying): {}",
                        n.error().ToString());
          } else {
            resealed += n->resealed;
            if (n->pass_complete) {
              auto left = sealed_values.CountOlder();
              if (left.has_value() && *left == 0) {
                reseal_at = std::numeric_limits<int>::max();
                if (resealed > 0) {
                  KY_LOG_EVENT(kInfo,
                               "data key rotation: every value is sealed with the current key",
                               {{"key_id", data_cipher.current_key_id()},
                                {"resealed", std::to_string(resealed)}});
                }
              } else {
                reseal_at = tick + 600;
                KY_LOG_WARN(
                    "data key rotation: values still under older keys ({}); next pass "
                    "in 10 minutes",
                    left.has_value() ? std::to_string(*left) : left.error().ToString());
              }
            }
          }
        }
      }
      if (tick++ % 10 == 0) {
        if (auto n = case_manager.FlushAuditOutbox(std::chrono::seconds(30)); !n.has_value()) {
          KY_LOG_ERROR("audit: appending pending case events failed: {}", n.error().ToString());
        } else if (*n > 0) {
          KY_LOG_WARN("audit: appended {} case events left pending", *n);
        }
      }
      // A new day: special measures start or expire, suspensions end — re-evaluate everyone.
      if (today != policy_day) {
        if (auto r = provisioning.ReevaluateDates(policy_day, today, "scheduler"); !r) {
          KY_LOG_ERROR("policy: re-evaluating for {} failed: {}", policy::FormatDate(today),
                       r.error().ToString());
        }
        policy_day = today;
      }
      if (auto c = audit_log.CheckpointIfDue(); !c.has_value()) {
        KY_LOG_ERROR("audit: signing a checkpoint failed: {}", c.error().ToString());
      }
      lock.lock();
    }
  });

  std::thread signal_thread([&] {
    int sig = 0;
    while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) {
      KY_LOG_INFO("received SIGHUP, reloading lists from {}", lists_dir);
      (void)lists.Reload(lists_dir, /*force=*/true);
    }
    if (sig != SIGUSR1) {
      KY_LOG_INFO("received {}, finishing in-flight requests",
                  sig == SIGTERM ? "SIGTERM" : "SIGINT");
      http.Stop();
    }
  });
  Status served = http.Serve();
  pthread_kill(signal_thread.native_handle(), SIGUSR1);  // wakes the signal thread if still waiting
  signal_thread.join();
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu);
    stopping = true;
  }
  checkpoint_cv.notify_all();
  checkpointer.join();
  rescreener.Stop();  // its alerts and audit entries land before the final flush and checkpoint
  if (leadership.leading()) {
    if (auto n = case_manager.FlushAuditOutbox(std::chrono::seconds(0)); !n.has_value()) {
      KY_LOG_ERROR("audit: appending pending case events failed: {}", n.error().ToString());
    }
    if (auto c = audit_log.CheckpointIfDue(/*force=*/true); !c.has_value()) {
      KY_LOG_ERROR("audit: signing the final checkpoint failed: {}", c.error().ToString());
    }
  }
  KY_LOG_INFO("stopped");
  Say("kycloud stopped\n");
  return served;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Run the HTTP service (REST API, metrics, console)");
  auto flags = std::make_shared<CommonFlags>();
  auto listen = std::make_shared<std::string>();
  auto level = std::make_shared<std::string>();
  auto lists_dir = std::make_shared<std::string>();
  auto demo = std::make_shared<bool>(false);
  auto demo_customers = std::make_shared<size_t>(2000);
  flags->AddTo(*cmd);
  cmd->add_flag("--demo", *demo,
                "load a simulated population (shell networks, a reseller with hidden end users, "
                "split training runs, screening hits) into a database without customers");
  cmd->add_option("--demo-customers", *demo_customers, "customers --demo simulates (2000)")
      ->check(CLI::Range(size_t{10}, size_t{1000000}));
  cmd->add_option("--lists", *lists_dir,
                  "load every list file in DIR instead of the bundled lists");
  cmd->add_option("--listen", *listen,
                  "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 = any)");
  cmd->add_option("--log-level", *level, "trace, debug, info, warn, error");
  auto web_root = std::make_shared<std::string>();
  cmd->add_option("--web-root", *web_root,
                  "serve the web console's built files from DIR (default: web/dist of the source "
                  "tree, or share/kycloud/web beside the binary)");
  cmd->callback([flags, listen, level, lists_dir, demo, demo_customers, web_root] {
    auto config = flags->Resolve();
    if (!config) Fail(config.error());
    if (!listen->empty()) config->server.listen = *listen;
    if (!lists_dir->empty()) config->lists_dir = *lists_dir;
    if (!web_root->empty()) config->server.web_root = *web_root;
    config->log.format = log::Format::kJson;  // the service logs JSON lines
    if (!level->empty()) {
      auto l = log::ParseLevel(*level);
      if (!l) Fail(l.error());
      config->log.level = *l;
    }
    log::Init(config->log);
    Status st = Serve(std::move(*config), *demo ? *demo_customers : 0);
    if (!st.ok()) {
      KY_LOG_ERROR("serve failed: {}", st.ToString());
      Fail(st);
    }
  });
}

}  // namespace kycloud::app

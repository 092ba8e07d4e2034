#include "app/service_stack.h"

#include <utility>

#include "app/server_clock.h"
#include "core/crypto.h"
#include "services/cloudtrail/cloudtrail.h"

namespace gatehouse::app {
namespace {

federation::OidcKeyFetcher::Options OidcOptions(const ServeOptions& options) {
  federation::OidcKeyFetcher::Options oidc;
  oidc.fetch.extra_ca_file = options.federation_ca_file;
  oidc.now_ms = [] { return NowSeconds() * 1000; };
  return oidc;
}
services::organizations::OrganizationsOptions OrganizationsOptionsOf(const ServeOptions& options) {
  services::organizations::OrganizationsOptions organizations;
  organizations.max_accounts = options.max_accounts;
  organizations.max_inbound_transfers = options.max_inbound_transfers;
  return organizations;
}

}  // namespace

ServiceStack::ServiceStack(const ServeOptions& options, const std::string& public_url,
                           store::State& state, const services::iam::ManagedPolicyCatalog& catalog,
                           const std::string& master_key, Random& random,
                           services::sts::SessionKeyRing& session_keys,
                           std::function<std::string()> base_url)
    : throttle_counts(state),
      password_throttle(throttle_counts),
      iam{state, catalog,  random,           master_key,         [] { return NowSeconds() * 1000; },
          usage, activity, &password_hasher, &password_throttle, std::move(base_url)},
      oidc_keys(OidcOptions(options)),
      sts{iam, session_keys, &oidc_keys, public_url, options.region},
      organizations{iam, OrganizationsOptionsOf(options), nullptr},
      // Its leases name this instance: other instances on the database finish its work if it
      // dies.
      account_creations(organizations, "instance-" + HexEncode(random.Bytes(8))) {}

void ServiceStack::Register(services::Dispatcher& dispatcher, audit::Recorder& audit_recorder,
                            int64_t account_creation_delay_ms) {
  dispatcher.OnAuthenticated([this](const auth::AccessKeyRecord& caller, const std::string& service,
                                    const std::string& operation, const std::string& region) {
    const int64_t now_ms = NowSeconds() * 1000;
    if (!caller.session) usage.Record(caller.access_key_id, now_ms, service, region);
    activity.Record(caller, service, operation, region, now_ms);
  });
  services::iam::RegisterIamOperations(dispatcher, iam);
  services::sts::RegisterStsOperations(dispatcher, sts);
  account_creations.set_completion_delay_ms(account_creation_delay_ms);
  organizations.creations = &account_creations;
  account_creations.Start();
  services::organizations::RegisterOrganizationsOperations(dispatcher, organizations);
  services::cloudtrail::RegisterCloudTrailOperations(
      dispatcher, iam, [&audit_recorder] { return audit_recorder.Flush(); });
}

}  // namespace gatehouse::app

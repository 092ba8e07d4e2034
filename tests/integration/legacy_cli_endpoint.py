"""An AWS CLI v2 plugin that gives CLIs older than 2.13 (Debian bookworm ships 2.9) the profile
setting `endpoint_url` that later ones read themselves: every client the CLI makes for that
profile — including the STS client with which it assumes a profile's role_arn, which the
--endpoint-url option does not reach — is sent to that URL.

Enabled from a config file:

    [plugins]
    cli_legacy_plugin_path = <this directory>
    profile_endpoint = legacy_cli_endpoint
"""


def awscli_initialize(events):
    events.register("session-initialized", _use_profile_endpoint)


def _use_profile_endpoint(session, **kwargs):
    url = session.get_scoped_config().get("endpoint_url")
    if not url:
        return

    def set_endpoint(builtins, **kwargs):
        builtins["SDK::Endpoint"] = url

    session.register("before-endpoint-resolution", set_endpoint)

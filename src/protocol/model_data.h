// The AWS service models embedded at build time (see generate_models.py): the service-2.json
// vendored in src/protocol/models for each service, documentation dropped, as JSON text.
#pragma once

namespace gatehouse::protocol {

struct EmbeddedModel {
  const char* service;  // the SigV4 signing name: "iam", "sts", "organizations"
  const char* json;
};

extern const EmbeddedModel kEmbeddedModels[];
extern const int kEmbeddedModelCount;

}  // namespace gatehouse::protocol

// The operation table against the IAM, STS, Organizations and CloudTrail models and the README:
// every operation of a model is either in src/authz/operations.def or in the README's list of
// that service's operations not implemented (which may be empty), never both, and the list names
// no operation the model lacks.
#include "authz/operation_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "protocol/model.h"

namespace gatehouse::authz {
namespace {

std::set<std::string> ReadmeNotImplemented(const std::string& heading) {
  std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  std::string readme = text.str();
  size_t start = readme.find(heading);
  EXPECT_NE(start, std::string::npos) << "README.md has no section " << heading;
  if (start == std::string::npos) return {};
  size_t end = readme.find("\n## ", start + 1);
  std::string section = readme.substr(start, end - start);
  std::set<std::string> names;
  std::regex code("`([A-Z][A-Za-z]+)`");
  for (std::sregex_iterator it(section.begin(), section.end(), code), last; it != last; ++it) {
    names.insert((*it)[1]);
  }
  names.erase("NotImplemented");
  return names;
}

void ExpectServedOrListed(const std::string& service, const std::string& heading) {
  auto models = protocol::ModelRegistry::LoadEmbedded();
  ASSERT_TRUE(models.ok());
  const protocol::ServiceModel* model = models->Find(service);
  ASSERT_NE(model, nullptr);
  // A section may list none ("None: every operation … has a handler").
  std::set<std::string> listed = ReadmeNotImplemented(heading);
  for (const auto& [name, op] : model->operations()) {
    bool served = FindOperationSpec(service, name) != nullptr;
    bool not_implemented = listed.count(name) > 0;
    EXPECT_NE(served, not_implemented) << service << ":" << name;
  }
  for (const std::string& name : listed) {
    EXPECT_TRUE(model->operations().count(name))
        << name << " is not in the " << service << " model";
  }
}

TEST(OperationTableTest, EveryIamOperationIsServedOrListedAsNotImplemented) {
  ExpectServedOrListed("iam", "## IAM operations not implemented");
}

TEST(OperationTableTest, EveryOrganizationsOperationIsServedOrListedAsNotImplemented) {
  ExpectServedOrListed("organizations", "## Organizations operations not implemented");
}

TEST(OperationTableTest, EveryStsOperationIsServedOrListedAsNotImplemented) {
  ExpectServedOrListed("sts", "## STS operations not implemented");
}

TEST(OperationTableTest, EveryCloudTrailOperationIsServedOrListedAsNotImplemented) {
  ExpectServedOrListed("cloudtrail", "## CloudTrail operations not implemented");
}

}  // namespace
}  // namespace gatehouse::authz

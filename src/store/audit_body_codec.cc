#include "store/audit_body_codec.h"

#include <zstd.h>

#include <memory>

namespace gatehouse::store {
namespace {

// The version byte: a body kept as it is (zstd could not work: out of memory), or packed
// against kDictionaryV1.
constexpr char kVersionPlain = 0;
constexpr char kVersion1 = 1;

// One of zstd's fast levels, which leave literals as they are: a GetCallerIdentity record of 671
// bytes packs to 226 in 1.6 µs and unpacks in 0.3 µs (bench/store_bench.cc, BM_PackAuditBody).
// Level 1 packs records 10% smaller, but takes twice as long to pack and four times as long to
// unpack.
constexpr int kLevel = -1;

// The text a record most likely repeats, as raw content (zstd finds matches anywhere in it;
// nearer its end they cost fewer bits, so the commonest text comes last): the records of a
// console sign-in, a refused call, an organization's call and an assumed role's, the user
// agents of the usual clients, then a read and a write by an IAM user. It may never change:
// bodies packed against it are read back with it (see the header).
constexpr std::string_view kDictionaryV1 =
    R"({"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MFAUsed":"No","MobileVersion":"No"},)"
    R"("awsRegion":"us-east-1","eventCategory":"Management","eventID":"","eventName":"ConsoleLogin",)"
    R"("eventSource":"signin.amazonaws.com","eventTime":"T00:00:00Z","eventType":"AwsConsoleSignIn",)"
    R"("eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"",)"
    R"("requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"sourceIPAddress":"",)"
    R"("userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/ Safari/537.36",)"
    R"("userIdentity":{"accountId":"","arn":"arn:aws:iam:::root","principalId":"","type":"Root"}})"
    R"({"awsRegion":"us-east-1","eventCategory":"Management","eventID":"","eventName":"SwitchRole",)"
    R"("responseElements":{"SwitchRole":"Failure"},"errorMessage":"Failed authentication",)"
    R"({"awsRegion":"us-east-1","errorCode":"AccessDenied","errorMessage":"User: arn:aws:iam::)"
    R"(:user/ is not authorized to perform: on resource: because no identity-based policy allows the action",)"
    R"("errorCode":"NoSuchEntity","errorMessage":"The user with name cannot be found.",)"
    R"("errorCode":"EntityAlreadyExists","errorMessage":"User with name already exists.",)"
    R"("errorCode":"ValidationError","errorCode":"InvalidClientTokenId","errorCode":"SignatureDoesNotMatch",)"
    R"("eventSource":"organizations.amazonaws.com","eventName":"ListAccounts","eventName":"DescribeOrganization",)"
    R"("responseElements":{"organization":{"arn":"arn:aws:organizations:::organization/o-","availablePolicyTypes":[],"featureSet":"ALL","id":"o-",)"
    R"("masterAccountArn":"arn:aws:organizations:::account/o-","masterAccountEmail":"HIDDEN_DUE_TO_SECURITY_REASONS","masterAccountId":""}},)"
    R"("requestParameters":{"accountName":"","email":"HIDDEN_DUE_TO_SECURITY_REASONS","roleName":"OrganizationAccountAccessRole"},)"
    R"("responseElements":{"createAccountStatus":{"id":"car-","requestedTimestamp":"","state":"IN_PROGRESS"}},)"
    R"("requestParameters":{"policyDocument":"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", \"Resource\": \"*\"}]}",)"
    R"("assumeRolePolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam:::root\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"},\"StringEquals\":{\"sts:ExternalId\":\"\"}}}]}",)"
    R"("policyArn":"arn:aws:iam::aws:policy/AdministratorAccess","policyName":"","roleName":"","groupName":"",)"
    R"("resources":[{"ARN":"arn:aws:iam:::role/","accountId":"","type":"AWS::IAM::Role"}],)"
    R"("responseElements":{"role":{"arn":"arn:aws:iam:::role/","assumeRolePolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",)"
    R"("createDate":"","maxSessionDuration":3600,"path":"/","roleId":"AROA","roleName":""}},)"
    R"("responseElements":{"accessKey":{"accessKeyId":"AKIA","createDate":"","status":"Active","userName":""}},)"
    R"("responseElements":{"group":{"arn":"arn:aws:iam:::group/","createDate":"","groupId":"AGPA","groupName":"","path":"/"}},)"
    R"("eventName":"AssumeRole","eventSource":"sts.amazonaws.com","requestParameters":{"durationSeconds":3600,"externalId":"","roleArn":"arn:aws:iam:::role/","roleSessionName":"","serialNumber":"arn:aws:iam:::mfa/","tokenCode":"HIDDEN_DUE_TO_SECURITY_REASONS"},)"
    R"("resources":[{"ARN":"arn:aws:iam:::role/OrganizationAccountAccessRole","accountId":"","type":"AWS::IAM::Role"}],)"
    R"("responseElements":{"assumedRoleUser":{"arn":"arn:aws:sts:::assumed-role/","assumedRoleId":"AROA:"},"credentials":{"accessKeyId":"ASIA","expiration":""}},)"
    R"("sharedEventID":"",)"
    R"("userIdentity":{"accessKeyId":"ASIA","accountId":"","arn":"arn:aws:sts:::assumed-role/","principalId":"AROA:",)"
    R"("sessionContext":{"attributes":{"creationDate":"","mfaAuthenticated":"false"},"sessionIssuer":{"accountId":"","arn":"arn:aws:iam:::role/","principalId":"AROA","type":"Role","userName":""},"webIdFederationData":{}},"type":"AssumedRole"}})"
    R"("userIdentity":{"accountId":"","invokedBy":"organizations.amazonaws.com","type":"AWSService"},"eventType":"AwsServiceEvent",)"
    R"("userAgent":"aws-sdk-js/3. ua/2.1 os/linux#6 lang/js md/nodejs#20 api/sts#3.",)"
    R"("userAgent":"aws-cli/1. md/Botocore#1.43. ua/2.1 os/linux#6 md/arch#x86_64 lang/python#3.11 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.43.",)"
    R"("userAgent":"aws-cli/2. Python/3.11 Linux/6 source/x86_64.debian.12 exe/x86_64.debian.12 prompt/off command/",)"
    R"({"awsRegion":"us-east-1","eventCategory":"Management","eventID":"","eventName":"ListUsers",)"
    R"("eventSource":"iam.amazonaws.com","eventTime":"T00:00:00Z","eventType":"AwsApiCall","eventVersion":"1.09",)"
    R"("managementEvent":true,"readOnly":true,"recipientAccountId":"","requestID":"",)"
    R"("requestParameters":{"userName":""},"responseElements":{"user":{"arn":"arn:aws:iam:::user/","createDate":"","path":"/","userId":"AIDA","userName":""}},)"
    R"("sourceIPAddress":"127.0.0.1","userAgent":"Boto3/1.43. md/Botocore#1.43. ua/2.1 os/linux#6 md/arch#x86_64 lang/python#3.11 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.43.",)"
    R"("userIdentity":{"accessKeyId":"AKIA","accountId":"","arn":"arn:aws:iam:::user/","principalId":"AIDA","type":"IAMUser","userName":""}})"
    R"({"awsRegion":"us-east-1","eventCategory":"Management","eventID":"","eventName":"GetCallerIdentity",)"
    R"("eventSource":"sts.amazonaws.com","eventTime":"T00:00:00Z","eventType":"AwsApiCall","eventVersion":"1.09",)"
    R"("managementEvent":true,"readOnly":true,"recipientAccountId":"","requestID":"",)"
    R"("requestParameters":null,"responseElements":null,"sourceIPAddress":"127.0.0.1","userAgent":"",)"
    R"("userIdentity":{"accessKeyId":"AKIA","accountId":"","arn":"arn:aws:iam:::user/","principalId":"AIDA","type":"IAMUser","userName":""}})";

// The dictionary, digested once for each direction; zstd reads a digested dictionary on any
// number of threads at once.
const ZSTD_CDict* PackingDictionary() {
  static const std::unique_ptr<ZSTD_CDict, size_t (*)(ZSTD_CDict*)> dictionary(
      ZSTD_createCDict(kDictionaryV1.data(), kDictionaryV1.size(), kLevel), ZSTD_freeCDict);
  return dictionary.get();
}

const ZSTD_DDict* UnpackingDictionary() {
  static const std::unique_ptr<ZSTD_DDict, size_t (*)(ZSTD_DDict*)> dictionary(
      ZSTD_createDDict(kDictionaryV1.data(), kDictionaryV1.size()), ZSTD_freeDDict);
  return dictionary.get();
}

// A context holds a frame's working state: one per thread, kept for the thread's life.
ZSTD_CCtx* PackingContext() {
  thread_local const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(),
                                                                                ZSTD_freeCCtx);
  return context.get();
}

ZSTD_DCtx* UnpackingContext() {
  thread_local const std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(),
                                                                                ZSTD_freeDCtx);
  return context.get();
}

}  // namespace

std::string PackAuditBody(std::string_view body) {
  std::string out(1 + ZSTD_compressBound(body.size()), '\0');
  out[0] = kVersion1;
  const size_t n = ZSTD_compress_usingCDict(PackingContext(), out.data() + 1, out.size() - 1,
                                            body.data(), body.size(), PackingDictionary());
  if (ZSTD_isError(n)) return kVersionPlain + std::string(body);
  out.resize(1 + n);
  return out;
}

std::optional<std::string> UnpackAuditBody(std::string_view packed) {
  if (packed.empty()) return std::nullopt;
  const char version = packed.front();
  packed.remove_prefix(1);
  if (version == kVersionPlain && packed.size() <= kMaxAuditBodyBytes) return std::string(packed);
  if (version != kVersion1) return std::nullopt;
  // The frame states its content's size (Pack writes it): the output is allocated once, and a
  // frame claiming more than any record could is refused before anything is allocated.
  const unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ||
      size > kMaxAuditBodyBytes) {
    return std::nullopt;
  }
  std::string out(size, '\0');
  const size_t n = ZSTD_decompress_usingDDict(UnpackingContext(), out.data(), out.size(),
                                              packed.data(), packed.size(), UnpackingDictionary());
  if (ZSTD_isError(n) || n != size) return std::nullopt;
  return out;
}

}  // namespace gatehouse::store

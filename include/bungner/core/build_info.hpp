#pragma once
// Facts about this build, for provenance (filled in by CMake).
namespace bungner::build_info {
extern const char* const version;
extern const char* const git_commit;
extern const char* const build_type;
extern const char* const compiler;
extern const char* const cxx_flags;
}  // namespace bungner::build_info

#pragma once
// The kscratch command line: `kscratch server|agent|kubectl|version`, and `kubectl ...`
// when the binary is invoked through a symlink named kubectl (as k3s dispatches).

namespace kscratch::cli {

// Returns the process exit code: 0 success, 1 failure, 2 bad usage.
int main(int argc, char** argv);

}  // namespace kscratch::cli

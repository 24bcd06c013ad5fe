// kscratch: one binary for every role of a Kubernetes cluster.
#include "kscratch/cli/cli.h"

int main(int argc, char** argv) { return kscratch::cli::main(argc, argv); }

#!/usr/bin/env bash
# Under Slurm without MPI (issue 24), with fake Slurm variables: tasks of an srun step that share
# no MPI world refuse to write outputs (exit 2, nothing written) instead of racing on one
# directory, while commands that write nothing still work and a batch script (one process, the
# job's SLURM_NTASKS only) runs; threads per task come from SLURM_CPUS_PER_TASK (at most the
# cores the process may use) unless OMP_NUM_THREADS or --threads say otherwise.
. "$(dirname "$0")/common.sh" "$@"
STUDY="$SRC/scenarios/studies/alcar-dose-response.toml"
unset OMPI_COMM_WORLD_SIZE PMI_SIZE PMIX_RANK OMP_NUM_THREADS SLURM_CPUS_PER_TASK SLURM_NTASKS SLURM_STEP_NUM_TASKS SLURM_PROCID || true
task() { env SLURM_JOB_ID=1 SLURM_NTASKS=2 SLURM_STEP_NUM_TASKS=2 SLURM_PROCID=1 "$@"; }
for command in "run $SCENARIO --out $WORK/run" "study $STUDY --out $WORK/study" "validate --filter E01 --out $WORK/validation"; do
  expect_exit 2 "$WORK/err" task "$BUNGNER" -q $command
  grep -q "task 1 of 2 by srun without MPI" "$WORK/err" || fail "$command under srun without MPI: $(cat "$WORK/err")"
done
for d in run study validation; do [[ ! -e $WORK/$d ]] || fail "$d was written by an uncoordinated task"; done
task "$BUNGNER" check "$SCENARIO" >/dev/null 2>"$WORK/err" || fail "check refused under srun: $(cat "$WORK/err")"
# A task that runs its own shard into its own directory is coordinated.
task "$BUNGNER" -q study "$STUDY" --shard 1/2 --out "$WORK/shard1" || fail "a shard per srun task was refused"
# A batch script is one process: SLURM_NTASKS alone does not stop it.
env SLURM_JOB_ID=1 SLURM_NTASKS=4 SLURM_PROCID=0 "$BUNGNER" -q run "$SCENARIO" --out "$WORK/batch" ||
  fail "a run in a batch script with SLURM_NTASKS=4 failed"
threads() { sed -nE 's/^ *"threads": ([0-9]+),?$/\1/p' "$1/run.json"; }
# (SLURM_CPUS_PER_TASK only lowers the thread count below what the process may run on.)
cores=$(nproc)
[[ $cores -ge 2 ]] || { echo "slurm_environment: ok (thread checks skipped on $cores core)"; exit 0; }
env SLURM_CPUS_PER_TASK=1 "$BUNGNER" -q run "$SCENARIO" --out "$WORK/cpus" || fail "run with SLURM_CPUS_PER_TASK failed"
[[ $(threads "$WORK/cpus") == 1 ]] || fail "SLURM_CPUS_PER_TASK=1 gave $(threads "$WORK/cpus") threads"
env SLURM_CPUS_PER_TASK=$((cores + 8)) "$BUNGNER" -q run "$SCENARIO" --out "$WORK/more" || fail "run failed"
[[ $(threads "$WORK/more") == "$cores" ]] || fail "SLURM_CPUS_PER_TASK above the $cores cores gave $(threads "$WORK/more") threads"
env SLURM_CPUS_PER_TASK=1 OMP_NUM_THREADS=2 "$BUNGNER" -q run "$SCENARIO" --out "$WORK/omp" || fail "run failed"
[[ $(threads "$WORK/omp") == 2 ]] || fail "OMP_NUM_THREADS=2 did not win over SLURM_CPUS_PER_TASK: $(threads "$WORK/omp")"
env SLURM_CPUS_PER_TASK=1 "$BUNGNER" -q run "$SCENARIO" --out "$WORK/flag" --threads 2 || fail "run failed"
[[ $(threads "$WORK/flag") == 2 ]] || fail "--threads 2 did not win: $(threads "$WORK/flag")"
echo "slurm_environment: ok"

#!/bin/bash
# A one-node Slurm cluster on this machine, for testing deploy/slurm against the real scheduler
# (docs/scale-out.md, Testing). Needs root and Debian's slurm-wlm and munge packages.
#
#   scripts/slurm-local.sh start    # writes /etc/slurm/slurm.conf, starts munged, slurmctld, slurmd
#   scripts/slurm-local.sh stop     # stops the three daemons
set -euo pipefail
case ${1:-} in
  start)
    host=$(hostname -s)
    cpus=$(nproc)
    mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
    cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=2000 State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    if [ ! -s /etc/munge/munge.key ]; then
      mkdir -p /etc/munge
      head -c 1024 /dev/urandom > /etc/munge/munge.key
    fi
    chown munge: /etc/munge/munge.key /run/munge
    chmod 400 /etc/munge/munge.key
    pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged
    pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
    pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
    for _ in $(seq 1 50); do
      if sinfo -h -o %a 2>/dev/null | grep -q up; then
        sinfo
        exit 0
      fi
      sleep 0.2
    done
    echo "slurm-local: the cluster did not come up; see /var/log/slurm" >&2
    exit 1
    ;;
  stop)
    for daemon in slurmd slurmctld; do
      [ -f "/run/$daemon.pid" ] && kill "$(cat "/run/$daemon.pid")" 2>/dev/null || true
    done
    pkill -x munged 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac

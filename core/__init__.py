"""Shared kernel of Frameline: what every layer may import (errors), depending on nothing else."""

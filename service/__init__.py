"""Vinh Danh: workflow and document approval for emulation and commendation (thi đua – khen thưởng)."""

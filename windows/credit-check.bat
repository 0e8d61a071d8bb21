@echo off
rem credit-check for Windows: double-click this file, or drop the evidence folder onto it.
rem All the work is done by credit-check.ps1 beside it (this file stays ASCII so that any
rem Windows code page runs it). See docs\windows.md.
powershell.exe -NoProfile -ExecutionPolicy Bypass -STA -File "%~dp0credit-check.ps1" %*
exit /b %errorlevel%

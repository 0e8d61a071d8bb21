# credit-check for Windows staff (信用交通县创建佐证材料自查).
#
# Double-click credit-check.bat beside this file, or drop the evidence folder onto it. The first
# run creates a private Python environment under %LOCALAPPDATA%\credit-check and installs the
# tool from this folder (Python 3.11, 3.12 or 3.13 must be installed: python.org); later runs
# reinstall only when this folder's code has changed. Then it asks for the evidence folder (read
# only, never modified), audits it, writes the HTML report and the 整改清单 workbook to
# Documents\credit-check 报告, and opens the HTML report in the default browser.
#
#   credit-check.bat                    choose the folder in a dialog
#   credit-check.bat "D:\创建材料"        audit this folder
#   credit-check.bat -Update            reinstall first (e.g. after changing the PyPI mirror)
#
# A PyPI mirror for the first install: set PIP_INDEX_URL (e.g. in 系统属性 → 环境变量).
# This file is UTF-8 with a byte-order mark, which Windows PowerShell 5.1 needs for Chinese text.

param(
    [Parameter(Position = 0)] [string] $Folder = "",
    [switch] $Update
)

# Native programs report through their exit codes ($LASTEXITCODE, checked after each); "Stop"
# would turn a line a program writes to stderr into a fatal error in Windows PowerShell 5.1.
$ErrorActionPreference = "Continue"
try { [Console]::OutputEncoding = [System.Text.Encoding]::UTF8 } catch { }

$Source  = Split-Path -Parent $PSScriptRoot                      # the repository: windows\..
$Home_   = Join-Path $env:LOCALAPPDATA "credit-check"
$Venv    = Join-Path $Home_ "venv"
$Python  = Join-Path $Venv "Scripts\python.exe"
$Tool    = Join-Path $Venv "Scripts\credit-check.exe"
$Stamp   = Join-Path $Home_ "installed-from.txt"
$Reports = Join-Path ([Environment]::GetFolderPath("MyDocuments")) "credit-check 报告"

function Stop-WithMessage([string] $Message, [int] $Code = 1) {
    Write-Host ""
    Write-Host $Message -ForegroundColor Red
    Read-Host "按回车键关闭窗口 / press Enter to close" | Out-Null
    exit $Code
}

function Find-Python {
    # The py launcher (python.org installer) first, newest supported version first.
    if (Get-Command py.exe -ErrorAction SilentlyContinue) {
        foreach ($version in "3.13", "3.12", "3.11") {
            $exe = & py.exe "-$version" -c "import sys; print(sys.executable)" 2>$null
            if ($LASTEXITCODE -eq 0 -and $exe) { return $exe.Trim() }
        }
    }
    # Else python.exe on PATH (the Microsoft Store stub prints nothing and fails this check).
    foreach ($name in "python.exe", "python3.exe") {
        $cmd = Get-Command $name -ErrorAction SilentlyContinue
        if ($cmd) {
            $ok = & $cmd.Source -c "import sys; print(int((3, 11) <= sys.version_info[:2] <= (3, 13)))" 2>$null
            if ($LASTEXITCODE -eq 0 -and "$ok".Trim() -eq "1") { return $cmd.Source }
        }
    }
    return $null
}

function Get-SourceStamp {
    # What is installed: this folder's path and a hash over the package, catalogue and build file.
    $files = @(Get-ChildItem -Path (Join-Path $Source "credit_check") -Recurse -File -Include *.py, *.html, *.css, *.js, *.yaml)
    $files += Get-Item (Join-Path $Source "pyproject.toml"), (Join-Path $Source "indicators.yaml")
    $hashes = ($files | Sort-Object FullName | ForEach-Object { (Get-FileHash -Algorithm SHA256 $_.FullName).Hash }) -join ""
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($hashes)
    $sha = [System.Security.Cryptography.SHA256]::Create().ComputeHash($bytes)
    return "$Source|" + ([System.BitConverter]::ToString($sha) -replace "-", "")
}

Write-Host "credit-check 信用交通县创建佐证材料自查" -ForegroundColor Cyan

# 1. Install (first run, -Update, or when this folder changed).
if (-not (Test-Path (Join-Path $Source "pyproject.toml"))) {
    Stop-WithMessage "找不到程序文件：请把整个 credit-check 文件夹复制到本机后再运行 windows\credit-check.bat。"
}
$want = Get-SourceStamp
$have = if (Test-Path $Stamp) { (Get-Content -Raw -Encoding UTF8 $Stamp).Trim() } else { "" }
if ($Update -or -not (Test-Path $Tool) -or $have -ne $want) {
    $py = Find-Python
    if (-not $py) {
        Stop-WithMessage ("没有找到 Python 3.11–3.13。请从 https://www.python.org/downloads/windows/ 安装 Python 3.12，" +
                          "安装时勾选 “Add python.exe to PATH”，然后重新运行。")
    }
    Write-Host "正在安装（首次运行需要几分钟，需要能访问 PyPI 或其镜像）…"
    New-Item -ItemType Directory -Force $Home_ | Out-Null
    if (-not (Test-Path $Python)) {
        & $py -m venv $Venv
        if ($LASTEXITCODE -ne 0) { Stop-WithMessage "无法创建 Python 环境：$Venv" }
    }
    & $Python -m pip install --disable-pip-version-check -q "$Source[ocr,heif]"
    if ($LASTEXITCODE -ne 0) {
        Stop-WithMessage "安装失败。请检查网络，或设置 PyPI 镜像（环境变量 PIP_INDEX_URL）后重新运行。"
    }
    Set-Content -Encoding UTF8 -Path $Stamp -Value $want
}

# 2. The evidence folder: given, dropped onto the .bat, or chosen in a dialog.
if (-not $Folder) {
    Add-Type -AssemblyName System.Windows.Forms
    $dialog = New-Object System.Windows.Forms.FolderBrowserDialog
    $dialog.Description = "请选择佐证材料所在的文件夹（只读取，不会修改其中的文件）"
    $dialog.ShowNewFolderButton = $false
    if ($dialog.ShowDialog() -ne [System.Windows.Forms.DialogResult]::OK) { exit 0 }
    $Folder = $dialog.SelectedPath
}
if (-not (Test-Path -LiteralPath $Folder -PathType Container)) {
    Stop-WithMessage "不是文件夹：$Folder" 2
}

# 3. Audit; the reports go to Documents, never into the evidence folder.
New-Item -ItemType Directory -Force $Reports | Out-Null
$name = (Split-Path -Leaf $Folder) + "-" + (Get-Date -Format "yyyyMMdd-HHmm")
$html = Join-Path $Reports "$name.html"
$xlsx = Join-Path $Reports "$name-整改清单.xlsx"
Write-Host "正在检查：$Folder"
& $Tool audit $Folder --html $html --xlsx $xlsx
$code = $LASTEXITCODE

# 4. Open the report and say what the result means.
Write-Host ""
if (Test-Path -LiteralPath $html) {
    Write-Host "报告已保存：$html"
    Write-Host "整改清单：  $xlsx"
    Start-Process -FilePath $html
}
switch ($code) {
    0 { Write-Host "检查完成。" -ForegroundColor Green }
    1 { Write-Host "检查完成：未达到合格线或存在须核实的问题，详见报告。" -ForegroundColor Yellow }
    2 { Write-Host "参数或指标目录有误，见上方提示。" -ForegroundColor Red }
    default { Write-Host "程序出错（退出码 $code）。请把上方信息发给维护人员。" -ForegroundColor Red }
}
Read-Host "按回车键关闭窗口 / press Enter to close" | Out-Null
exit $code
